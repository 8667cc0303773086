"""Architecture choice for the CPU: one training step (batch 128, forward + backward + SGD, plus the batch
augmentation) and PyTorch inference (batch 64) for candidate sizes, on the threads torch is given.

  /usr/bin/python3 models/training/time_arch.py A B C D
A = MarrowNet-S (the earlier members), B = MarrowNet-XS (shipped). Random weights: timing only.
"""
import sys, time, torch, numpy as np
sys.path.insert(0, __import__('os').path.dirname(__import__('os').path.abspath(__file__)))
from common import build_model, count_macs
from augment import augment
torch.set_num_threads(2)
cfgs = {
 'A': dict(stem=32, stages=((48,1),(96,1),(192,2))),
 'B': dict(stem=16, stages=((32,1),(64,1),(128,1))),
 'C': dict(stem=24, stages=((32,1),(64,1),(128,1))),
 'D': dict(stem=16, stages=((24,1),(48,1),(96,1))),
}
xb = torch.randint(0,255,(128,3,144,144),dtype=torch.uint8)
yb = torch.randint(0,11,(128,))
t=time.time(); 
for _ in range(3): augment(xb)
print('augment128', (time.time()-t)/3)
for k in sys.argv[1:]:
    m = build_model(**cfgs[k]); macs = count_macs(m); npar = sum(p.numel() for p in m.parameters())
    m.train(); opt = torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)
    x = torch.randn(128,3,96,96)
    ts=[]
    for i in range(4):
        t=time.time(); loss = torch.nn.functional.cross_entropy(m(x), yb); opt.zero_grad(); loss.backward(); opt.step(); ts.append(time.time()-t)
    m.eval()
    with torch.no_grad():
        ti=[]
        for i in range(3):
            t=time.time(); m(x[:64]); ti.append(time.time()-t)
    print(k, f'macs {macs/1e6:.1f}M params {npar/1e6:.2f}M train-step128 {np.median(ts[1:]):.3f}s infer64 {np.median(ti):.3f}s')
