// Building the page from data without ever parsing data as HTML: every text goes
// in as a text node, so a message body or a topic name cannot inject markup.

/**
 * Creates an element. `props`: `class`, `text`, `data` (dataset), `on`
 * (event listeners), boolean and string attributes; children are nodes,
 * strings or arrays of them (null and false are skipped).
 *
 * @example h('button', { class: 'danger', on: { click: remove } }, 'Delete')
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') element.className = value;
    else if (name === 'text') element.textContent = String(value);
    else if (name === 'data') Object.assign(element.dataset, value);
    else if (name === 'on') for (const [event, listener] of Object.entries(value)) element.addEventListener(event, listener);
    // As the controls' defaults too, so a form's reset() returns to them.
    else if (name === 'value') {
      if ('defaultValue' in element && tag !== 'select') element.defaultValue = value;
      element.value = value;
    } else if (name === 'checked') element.checked = element.defaultChecked = Boolean(value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

/** Appends nodes, strings or nested arrays of them. */
export function append(parent, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replaces all children of `parent`. */
export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

let nextId = 0;
/** A unique id for label/control pairs. */
export const uid = (prefix = 'field') => `${prefix}-${(nextId += 1)}`;

/** A labelled form control: `<div class="field"><label for>…</label><control/><small>hint</small></div>`. */
export function field(label, control, hint) {
  control.id ||= uid();
  const hintNode = hint === undefined ? null : h('small', { class: 'hint', id: `${control.id}-hint`, text: hint });
  if (hintNode !== null) control.setAttribute('aria-describedby', hintNode.id);
  return h('div', { class: 'field' }, h('label', { for: control.id, text: label }), control, hintNode);
}

/**
 * A table whose rows are kept by key between refreshes: cells are updated in
 * place, so focus, selection and open panels survive a live update.
 *
 * @example
 * const table = keyedTable({ caption: 'Partitions', columns: ['Partition', 'Messages'] });
 * table.update(rows, (row) => String(row.partition), (row) => [row.partition, row.count]);
 */
export function keyedTable({ caption, columns, empty = 'Nothing here yet.', numeric = [] }) {
  const body = h('tbody');
  const emptyRow = h('tr', { class: 'empty' }, h('td', { colspan: columns.length, text: empty }));
  const element = h(
    'table',
    {},
    h('caption', { class: 'visually-hidden', text: caption }),
    h('thead', {}, h('tr', {}, columns.map((column, index) => h('th', { scope: 'col', class: numeric.includes(index) ? 'num' : undefined, text: column })))),
    body,
  );
  const rows = new Map();
  const kept = new Map();
  const setCell = (cell, value) => {
    if (value instanceof Node) {
      if (cell.firstChild !== value) replace(cell, value);
    } else if (cell.textContent !== String(value ?? '')) cell.textContent = String(value ?? '');
  };
  return {
    element,
    /** `cells(item)` returns one value per column: text, or a node kept as it is once placed. */
    update(items, keyOf, cells) {
      const seen = new Set();
      items.forEach((item, index) => {
        const key = keyOf(item);
        seen.add(key);
        let row = rows.get(key);
        if (row === undefined) {
          row = h('tr', { data: { key } }, columns.map((_, column) => h('td', { class: numeric.includes(column) ? 'num' : undefined })));
          rows.set(key, row);
        }
        const values = cells(item);
        [...row.cells].forEach((cell, column) => setCell(cell, values[column]));
        if (body.children[index] !== row) body.insertBefore(row, body.children[index] ?? null);
      });
      for (const [key, row] of rows) {
        if (!seen.has(key)) {
          row.remove();
          rows.delete(key);
          kept.delete(key);
        }
      }
      if (items.length === 0 && emptyRow.parentNode === null) body.append(emptyRow);
      if (items.length > 0) emptyRow.remove();
    },
    /** A node made once per row key and name (a button, a link), so updates keep it and its focus. */
    keep(key, name, make) {
      if (!kept.has(key)) kept.set(key, new Map());
      const nodes = kept.get(key);
      if (!nodes.has(name)) nodes.set(name, make());
      return nodes.get(name);
    },
  };
}
