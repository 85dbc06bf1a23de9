// A tiny typed event emitter: services announce changes, views subscribe and unsubscribe.
export type Listener<T> = (value: T) => void

export class Emitter<T> {
  private readonly listeners = new Set<Listener<T>>()

  /** Subscribes; the returned function unsubscribes. */
  on(listener: Listener<T>): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  emit(value: T): void {
    for (const l of [...this.listeners]) l(value)
  }
}

/** Collects unsubscribe functions so a view can release everything it holds at once. */
export class Disposables {
  private readonly items: (() => void)[] = []
  add(dispose: () => void): void {
    this.items.push(dispose)
  }
  dispose(): void {
    for (const d of this.items.splice(0).reverse()) d()
  }
}
