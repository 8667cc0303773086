/**
 * OpenSeadragon appends an inline <style> (a focus-outline rule for touch screens) unless
 * `style[data-openseadragon-mobile-css]` already exists. Our CSP forbids inline styles, so the
 * browser would block it and report a violation. A marker element that matches the selector but
 * is not an HTML or SVG style element (so it is never parsed as CSS) stops the injection; the rule
 * itself lives in styles.css.
 */
export function installOsdCspShim(): void {
  if (document.querySelector('style[data-openseadragon-mobile-css]')) return;
  const marker = document.createElementNS('http://www.w3.org/1998/Math/MathML', 'style');
  marker.setAttribute('data-openseadragon-mobile-css', 'true');
  document.head.appendChild(marker);
}
