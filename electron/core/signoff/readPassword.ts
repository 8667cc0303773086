import { AppError } from '../../shared/errors/AppError.js';

/**
 * Reads a password for the CLI: from a terminal, prompted on `prompt` with echo off; otherwise the
 * first line of the input stream (`--password-stdin`, a pipe or a file). Passwords never come from
 * argv, where other users can read them in the process list.
 */
export async function readPassword(input: NodeJS.ReadableStream, prompt: NodeJS.WritableStream, label: string, lines = 1): Promise<string[]> {
  const tty = input as NodeJS.ReadStream;
  if (tty.isTTY === true && typeof tty.setRawMode === 'function') {
    const out: string[] = [];
    for (let i = 0; i < lines; i++) out.push(await promptHidden(tty, prompt, i === 0 ? `${label}: ` : 'Again: '));
    return out;
  }
  let text = '';
  for await (const chunk of input) text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
  const got = text.split(/\r?\n/).slice(0, lines);
  if (got.length < lines || got.some((l) => l.length === 0)) {
    throw new AppError('VALIDATION_FAILED', `Expected ${lines === 1 ? 'a password' : `${lines} lines (${label})`} on standard input but received ${got.filter((l) => l.length > 0).length === 0 ? 'nothing' : 'too few lines'}`);
  }
  return got;
}

function promptHidden(tty: NodeJS.ReadStream, prompt: NodeJS.WritableStream, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    prompt.write(text);
    tty.setRawMode(true);
    tty.resume();
    let value = '';
    const onData = (d: Buffer): void => {
      for (const ch of d.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          finish();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          finish();
          reject(new AppError('VALIDATION_FAILED', 'Password entry was cancelled'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    const finish = (): void => {
      tty.off('data', onData);
      tty.setRawMode(false);
      tty.pause();
      prompt.write('\n');
    };
    tty.on('data', onData);
  });
}
