// The start check of worker and API asks the real namespace which of our search attributes it knows, and names the
// missing ones (and those of the wrong type) in one sentence.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { allSearchAttributes } from '../messages/search-attributes';
import {
  checkSearchAttributes,
  describeSearchAttributeCheck,
  searchAttributesReady,
} from '../runtime/search-attributes-check';
import { temporalClient } from './harness/servers';

const { connection } = await temporalClient();
afterAll(() => connection.close());
const namespace = inject('temporalNamespace');

describe('search attribute check', () => {
  it('finds every attribute the workflows set in the test namespace', async () => {
    const check = await checkSearchAttributes(connection, namespace);
    expect(check).toEqual({ missing: [], wrongType: [] });
    expect(describeSearchAttributeCheck(check, namespace)).toBeUndefined();
  });

  it('names a missing attribute and one registered with another type', async () => {
    const expected = [
      ...allSearchAttributes,
      defineSearchAttributeKey('Zustaendigkeit', SearchAttributeType.KEYWORD),
      defineSearchAttributeKey('Vorgangsnummer', SearchAttributeType.INT),
    ];
    const check = await checkSearchAttributes(connection, namespace, expected);
    expect(check.missing).toEqual(['Zustaendigkeit']);
    expect(check.wrongType).toEqual([{ name: 'Vorgangsnummer', expected: 'INT', actual: 'KEYWORD' }]);
    const sentence = describeSearchAttributeCheck(check, namespace)!;
    expect(sentence).toContain(`Temporal namespace "${namespace}" lacks the search attribute(s) Zustaendigkeit`);
    expect(sentence).toContain('Vorgangsnummer (KEYWORD, needs INT)');
  });

  it('a namespace without our attributes is reported as one error line', async () => {
    const other = `ns-${Date.now().toString(36)}`;
    await connection.workflowService.registerNamespace({
      namespace: other,
      workflowExecutionRetentionPeriod: msToTs('1 day'),
    });
    const errors: string[] = [];
    const log = { error: (m: string) => errors.push(m), warn: () => {} };
    // A new namespace is known to the operator API once the server's namespace cache has it.
    let ready: boolean | undefined;
    for (let i = 0; i < 100 && ready === undefined; i++) {
      try {
        await checkSearchAttributes(connection, other);
        ready = await searchAttributesReady(connection, other, log);
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    expect(ready).toBe(false);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(
      `"${other}" lacks the search attribute(s) ${allSearchAttributes.map((k) => k.name).join(', ')}`,
    );
  });
});
