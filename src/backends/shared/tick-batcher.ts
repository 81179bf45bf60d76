// Collects the requests made during one turn of the event loop and hands them over together, once the
// turn is done, to a function that serves them all (one statement, one transaction).

export class TickBatcher<T> {
  private queue: T[] = [];
  private scheduled = false;

  constructor(private readonly flush: (batch: T[]) => Promise<void>) {}

  add(request: T): void {
    this.queue.push(request);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush(this.queue.splice(0));
    });
  }
}
