// Small DOM builders the views share: a small button, and a facts list (a <dl> of label → value).
export function smallButton(text: string, fn: () => void): HTMLButtonElement {
  const b = document.createElement('button')
  b.type = 'button'
  b.className = 'small'
  b.textContent = text
  b.addEventListener('click', fn)
  return b
}

/** `<dl class="facts">`; each value's <dd> carries `data-field` = its label (for tests and CSS). */
export function factsList(rows: [string, string][]): HTMLDListElement {
  const dl = document.createElement('dl')
  dl.className = 'facts'
  for (const [k, v] of rows) {
    const dt = document.createElement('dt')
    dt.textContent = k
    const dd = document.createElement('dd')
    dd.textContent = v
    dd.dataset.field = k
    dl.append(dt, dd)
  }
  return dl
}
