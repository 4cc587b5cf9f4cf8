// At start, worker and API ask the namespace whether it knows the search attributes our workflows set. Without them
// every Antrag and every lifecycle fails to start (the server refuses unknown attributes), so we say which are
// missing, in one sentence, before the first citizen finds out.
// The default import: the package is CommonJS, and Node's ESM loader sees no named exports in it.
import proto, { type temporal } from '@temporalio/proto';
import { allSearchAttributes } from '../messages/search-attributes';

/** What both Connection (client) and NativeConnection (worker) offer. */
export interface OperatorConnection {
  operatorService: {
    listSearchAttributes(request: { namespace: string }): Promise<{
      customAttributes?: Record<string, temporal.api.enums.v1.IndexedValueType> | null;
    }>;
  };
}

const { IndexedValueType } = proto.temporal.api.enums.v1;

export interface SearchAttributeCheck {
  missing: string[];
  /** registered with another type than ours */
  wrongType: Array<{ name: string; expected: string; actual: string }>;
}

export async function checkSearchAttributes(
  connection: OperatorConnection,
  namespace: string,
  expected: ReadonlyArray<{ name: string; type: string }> = allSearchAttributes,
): Promise<SearchAttributeCheck> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const known = customAttributes ?? {};
  const result: SearchAttributeCheck = { missing: [], wrongType: [] };
  for (const key of expected) {
    const actual = known[key.name];
    if (actual === undefined) {
      result.missing.push(key.name);
      continue;
    }
    const expectedType = IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}` as keyof typeof IndexedValueType];
    if (actual !== expectedType) {
      const name = IndexedValueType[actual] ?? String(actual);
      result.wrongType.push({ name: key.name, expected: key.type, actual: name.replace('INDEXED_VALUE_TYPE_', '') });
    }
  }
  return result;
}

/** One sentence for the log, or undefined when everything is registered. */
export function describeSearchAttributeCheck(check: SearchAttributeCheck, namespace: string): string | undefined {
  const parts: string[] = [];
  if (check.missing.length) parts.push(`lacks the search attribute(s) ${check.missing.join(', ')}`);
  if (check.wrongType.length) {
    const list = check.wrongType.map((w) => `${w.name} (${w.actual}, needs ${w.expected})`).join(', ');
    parts.push(`has the search attribute(s) ${list} with the wrong type`);
  }
  if (!parts.length) return undefined;
  return (
    `Temporal namespace "${namespace}" ${parts.join(' and ')}: register them once, e.g. ` +
    `\`temporal operator search-attribute create --namespace ${namespace} --name ${check.missing[0] ?? check.wrongType[0]!.name} --type Keyword\` ` +
    '(README, "Real servers instead of the embedded ones").'
  );
}

/**
 * Checks and logs: an error naming what is missing (returns false), or a warning when the namespace cannot be asked
 * (some clouds do not let a worker's API key list attributes; the start goes on then).
 */
export async function searchAttributesReady(
  connection: OperatorConnection,
  namespace: string,
  log: { error(msg: string): void; warn(obj: object, msg: string): void },
): Promise<boolean> {
  let check: SearchAttributeCheck;
  try {
    check = await checkSearchAttributes(connection, namespace);
  } catch (err) {
    log.warn({ err: (err as Error).message }, `could not list the search attributes of namespace "${namespace}"`);
    return true;
  }
  const problem = describeSearchAttributeCheck(check, namespace);
  if (problem) log.error(problem);
  return !problem;
}
