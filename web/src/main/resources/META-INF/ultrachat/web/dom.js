// DOM helpers shared by every view. Server text only ever reaches the page as text nodes
// (textContent, `text` below); nothing here parses HTML.

export const byId = (id) => document.getElementById(id);

/**
 * Creates an element. `text` sets textContent, `class` the class name, `on<event>` functions
 * become listeners (the CSP forbids inline handlers, so this is the only way to attach them),
 * false/null attributes are left out and `true` means a boolean attribute.
 */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value == null) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children.flat().filter((c) => c != null && c !== false));
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

// Icons are stroke drawings on a 24×24 grid; colour and stroke width come from CSS.
const ICONS = {
  desktop: ['M4 5h16a1 1 0 0 1 1 1v10H3V6a1 1 0 0 1 1-1z', 'M1.5 19.5h21'],
  phone: ['M8 2.5h8a1.5 1.5 0 0 1 1.5 1.5v16a1.5 1.5 0 0 1-1.5 1.5H8A1.5 1.5 0 0 1 6.5 20V4A1.5 1.5 0 0 1 8 2.5z', 'M11 18h2'],
  cli: ['M4 4.5h16a1 1 0 0 1 1 1v13a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1v-13a1 1 0 0 1 1-1z', 'M7 9.5l3 2.5-3 2.5', 'M13 15h4'],
  hash: ['M9 4L7 20', 'M17 4l-2 16', 'M4.5 9h16', 'M3.5 15h16'],
  lock: ['M6 10.5h12a1 1 0 0 1 1 1V20a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1v-8.5a1 1 0 0 1 1-1z', 'M8 10.5V7.5a4 4 0 0 1 8 0v3'],
  plus: ['M12 5v14', 'M5 12h14'],
  search: ['M10.5 4a6.5 6.5 0 1 1 0 13 6.5 6.5 0 0 1 0-13z', 'M15.5 15.5L20 20'],
  smile: ['M12 3.5a8.5 8.5 0 1 1 0 17 8.5 8.5 0 0 1 0-17z', 'M8.5 14a4 4 0 0 0 7 0', 'M9 9.5h.01', 'M15 9.5h.01'],
  reply: ['M10 8L5 12.5 10 17', 'M5.5 12.5H14a5 5 0 0 1 5 5V19'],
  edit: ['M15.5 4.5l4 4L9 19H5v-4z', 'M13 7l4 4'],
  trash: ['M4.5 7h15', 'M9.5 7V4.5h5V7', 'M6.5 7l1 13h9l1-13'],
  pin: ['M9 4h6l-1 6 3.5 3.5h-11L10 10z', 'M12 13.5V20'],
  close: ['M6 6l12 12', 'M18 6L6 18'],
  clip: ['M20 11.5l-8.2 8.2a5 5 0 0 1-7.1-7.1l8.5-8.5a3.3 3.3 0 0 1 4.7 4.7l-8.4 8.4a1.7 1.7 0 0 1-2.4-2.4l7.7-7.7'],
  send: ['M4 12L20 4l-5 16-3-7z', 'M12 13l8-9'],
  file: ['M7 3h7l5 5v12a1 1 0 0 1-1 1H7a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1z', 'M14 3v5h5'],
  user: ['M12 4a4 4 0 1 1 0 8 4 4 0 0 1 0-8z', 'M4.5 20a7.5 7.5 0 0 1 15 0'],
  link: ['M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1', 'M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1'],
  chevron: ['M8 10l4 4 4-4'],
  down: ['M12 5v14', 'M6 13l6 6 6-6'],
};

export function icon(kind) {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', 'icon');
  for (const d of ICONS[kind] ?? ICONS.desktop) {
    const path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}

/** Shows a message in an alert element, or hides it when the message is empty. */
export function showAlert(idOrNode, message) {
  const node = typeof idOrNode === 'string' ? byId(idOrNode) : idOrNode;
  node.textContent = message;
  node.hidden = !message;
}

/**
 * Makes `container`'s children exactly `items`, in order, reusing nodes by key so focus,
 * scroll position and in-progress edits survive re-renders. Each item is {key, render, stamp}:
 * a node is rebuilt only when its stamp changed since it was rendered.
 */
export function reconcile(container, items, cache) {
  const wanted = new Set();
  let cursor = container.firstChild;
  for (const item of items) {
    wanted.add(item.key);
    let entry = cache.get(item.key);
    if (!entry || entry.stamp !== item.stamp) {
      const node = item.render();
      node.dataset.key = item.key;
      if (entry) {
        if (entry.node === cursor) cursor = node;
        entry.node.replaceWith(node);
      }
      entry = { node, stamp: item.stamp };
      cache.set(item.key, entry);
    }
    if (entry.node === cursor) cursor = cursor.nextSibling;
    else container.insertBefore(entry.node, cursor);
  }
  for (const [key, entry] of cache) {
    if (!wanted.has(key)) {
      entry.node.remove();
      cache.delete(key);
    }
  }
}
