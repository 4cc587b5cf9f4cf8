// A bulk action over a list too long for one HTTP request or one activity: one activity per page, keyed by the
// page's last id, so a retried page repeats the same items (the action on each is idempotent) and never skips one;
// the history stays a handful of events per page, and past a size the caller continues as new from where it stood.

export interface Page {
  /** the page's last id: the next page starts after it; absent when the page was empty */
  letzte?: string;
  anzahl: number;
}

export type PagingEnd = { fertig: true } | { fertig: false; nach: string };

/**
 * Runs `page` from `nach` until a short page (done) or until `historyLength()` passes `maxHistory` (continue as
 * new from the returned `nach`). The caller counts its progress inside `page`.
 */
export async function pageThrough(
  page: (nach: string | undefined) => Promise<Page>,
  opts: { anzahl: number; nach?: string; historyLength: () => number; maxHistory?: number },
): Promise<PagingEnd> {
  let nach = opts.nach;
  for (;;) {
    const batch = await page(nach);
    if (batch.anzahl < opts.anzahl || batch.letzte === undefined) return { fertig: true };
    nach = batch.letzte;
    if (opts.historyLength() > (opts.maxHistory ?? 2000)) return { fertig: false, nach };
  }
}
