// A small modal dialog (native <dialog>): focus is trapped by the browser, Escape closes it.
export function openDialog(
  title: string,
  build: (body: HTMLElement, close: () => void) => void,
): { close: () => void; element: HTMLDialogElement } {
  const dialog = document.createElement('dialog')
  dialog.className = 'dialog'
  const h = document.createElement('h2')
  h.textContent = title
  const body = document.createElement('div')
  body.className = 'dialog-body'
  const close = (): void => {
    dialog.close()
    dialog.remove()
  }
  const x = document.createElement('button')
  x.type = 'button'
  x.className = 'icon codicon codicon-close dialog-close'
  x.setAttribute('aria-label', 'Close')
  x.addEventListener('click', close)
  dialog.append(x, h, body)
  dialog.addEventListener('close', () => dialog.remove())
  document.body.append(dialog)
  build(body, close)
  dialog.showModal()
  return { close, element: dialog }
}
