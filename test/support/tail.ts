/** Keeps the last bytes of a stream (whole chunks), for steps that print more than a test or the bench needs to hold. */
export class Tail {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  /** At least `limit` bytes are kept when that many arrived; undefined keeps everything. */
  constructor(private readonly limit?: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.limit !== undefined && this.chunks.length > 1 && this.size - (this.chunks[0] as Buffer).length >= this.limit) {
      this.size -= (this.chunks.shift() as Buffer).length;
    }
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}
