import type { ScriptFields } from '../../model';
import { failure, prop, str } from '../common';
import type { ParseOutcome, ParserFactory, RecordInput, RecordParser } from '../parser';
import { ok } from '../parser';
import { type AssemblerLimits, DEFAULT_ASSEMBLER_LIMITS, ScriptBlockAssembler } from './script-block-assembler';
import { parseScriptBlockMessage } from './script-block-message';
import { dataInt, dataText, sameName, selectRecord, type WindowsEventSpec, windowsEvent } from './windows-event';
import { claimOf, decodeWindowsRecord, type WindowsClaim, type WindowsRecord } from './windows-record';

const FORMAT = 'powershell-4104';

/** Windows PowerShell 5.1 and PowerShell 7 (PowerShellCore) both log script blocks as 4104. */
export function isPowerShellLog(claim: WindowsClaim): boolean {
  return (
    sameName(claim.provider, 'Microsoft-Windows-PowerShell', 'PowerShellCore') ||
    sameName(claim.channel, 'Microsoft-Windows-PowerShell/Operational', 'PowerShellCore/Operational')
  );
}

const SPEC: WindowsEventSpec = { format: FORMAT, eventId: 4104, label: 'PowerShell 4104', isFamily: isPowerShellLog };

/** Above this a MessageTotal is not a real split (PowerShell splits at ~32 KB per part). */
const MAX_MESSAGE_TOTAL = 100_000;

interface ScriptBlock {
  readonly text: string;
  readonly id: string | undefined;
  readonly path: string | undefined;
  readonly number: number;
  readonly total: number;
}

/** The script block from EventData, or from the rendered message when the collector kept only that. */
function scriptBlockOf(record: WindowsRecord): ScriptBlock | undefined {
  // An empty script block is real (PowerShell logs `{}`-like blocks with no text; collectors write null or "").
  const value = prop(record.data, 'ScriptBlockText');
  if (typeof value === 'string' || (value === null && Object.hasOwn(record.data, 'ScriptBlockText'))) {
    return {
      text: value ?? '',
      id: dataText(record, 'ScriptBlockId'),
      path: dataText(record, 'Path'),
      number: dataInt(record, 'MessageNumber') ?? 1,
      total: dataInt(record, 'MessageTotal') ?? 1,
    };
  }
  const message = str(prop(record.raw, 'Message')) ?? str(prop(record.raw, 'message'));
  const rendered = message === undefined ? undefined : parseScriptBlockMessage(message);
  if (!rendered) return undefined;
  return {
    text: rendered.text,
    id: rendered.scriptBlockId,
    path: rendered.path,
    number: rendered.messageNumber,
    total: rendered.messageTotal,
  };
}

/** A 4104 of a PowerShell log, or a 4104 whose data carries ScriptBlockText (collectors that drop the log). */
export function claimsScriptBlock(input: RecordInput): boolean {
  const decoded = decodeWindowsRecord(input);
  const claim = claimOf(decoded);
  if (claim?.eventId !== 4104) return false;
  if (isPowerShellLog(claim)) return true;
  return decoded.kind === 'record' && str(prop(decoded.record.data, 'ScriptBlockText')) !== undefined;
}

function createParser(limits: AssemblerLimits): RecordParser {
  const assembler = new ScriptBlockAssembler(limits);

  function parse(input: RecordInput): ParseOutcome {
    const selected = selectRecord(input, SPEC);
    if (!selected.ok) return selected.outcome;
    const { record } = selected;
    const block = scriptBlockOf(record);
    if (!block) return failure(input, FORMAT, 'missing-field', 'PowerShell 4104 without ScriptBlockText');
    const { number, total } = block;
    if (total < 1 || total > MAX_MESSAGE_TOTAL || number < 1 || number > total) {
      return failure(input, FORMAT, 'invalid-record', `MessageNumber ${number} of MessageTotal ${total} is impossible`);
    }
    const fields: ScriptFields = { ScriptBlockText: block.text, MessageNumber: number, MessageTotal: total };
    if (block.id !== undefined) fields.ScriptBlockId = block.id;
    if (block.path !== undefined) fields.Path = block.path;
    // A split block without an id cannot be joined: keep the part on its own, marked.
    if (total > 1 && block.id === undefined) fields.Partial = true;
    const built = windowsEvent(input, FORMAT, record, 'ps_script', fields);
    if (!built.ok) return built.outcome;
    if (block.id === undefined) return ok([built.event]);
    return ok(assembler.add({ id: block.id, number, total, text: block.text, event: built.event }));
  }

  return {
    format: FORMAT,
    sniff: claimsScriptBlock,
    parse,
    flush(): readonly ParseOutcome[] {
      const events = assembler.flush();
      return events.length === 0 ? [] : [ok(events)];
    },
  };
}

/** A 4104 parser with its own reassembly bounds (tests use small ones). */
export function createPowerShell4104Parser(limits: AssemblerLimits = DEFAULT_ASSEMBLER_LIMITS): RecordParser {
  return createParser(limits);
}

export const powershell4104Parser: ParserFactory = {
  format: FORMAT,
  description: 'PowerShell 4104 script block logging, split blocks reassembled per batch',
  create(): RecordParser {
    return createParser(DEFAULT_ASSEMBLER_LIMITS);
  },
};
