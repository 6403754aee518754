import type { NormalizedEvent } from '../../../lib/model';
import { ScriptBlockAssembler, type ScriptBlockPart } from '../../../lib/sources/windows/script-block-assembler';

function partOf(id: string, number: number, total: number, text: string, hostname = 'ws-1'): ScriptBlockPart {
  const event: NormalizedEvent = {
    category: 'ps_script',
    platform: 'windows',
    time: `2026-01-01T00:00:0${number % 10}.000Z`,
    timeMs: Date.parse(`2026-01-01T00:00:0${number % 10}.000Z`),
    host: { hostname },
    provenance: { envelope: 'file', index: number, format: 'powershell-4104' },
    fields: { ScriptBlockText: text, ScriptBlockId: id, MessageNumber: number, MessageTotal: total },
  };
  return { id, number, total, text, event };
}

describe('ScriptBlockAssembler', () => {
  it('passes single-part blocks straight through', () => {
    const single = partOf('a', 1, 1, 'Get-VM');
    expect(new ScriptBlockAssembler().add(single)).toEqual([single.event]);
  });

  it('holds parts until the last one arrives, then emits one event in MessageNumber order', () => {
    const assembler = new ScriptBlockAssembler();
    expect(assembler.add(partOf('a', 2, 2, 'VM'))).toEqual([]);
    expect(assembler.pendingGroups).toBe(1);
    const [event] = assembler.add(partOf('a', 1, 2, 'Start-'));
    expect(event?.fields).toMatchObject({ ScriptBlockText: 'Start-VM', MessageNumber: 1, MessageTotal: 2 });
    expect(event?.provenance.index).toBe(1);
    expect(assembler.pendingGroups).toBe(0);
  });

  it('matches ScriptBlockId without regard to case, but keeps hosts apart', () => {
    const assembler = new ScriptBlockAssembler();
    assembler.add(partOf('ABC', 1, 2, 'x'));
    expect(assembler.add(partOf('abc', 2, 2, 'y'))).toHaveLength(1);
    assembler.add(partOf('abc', 1, 2, 'x', 'ws-1'));
    expect(assembler.add(partOf('abc', 2, 2, 'y', 'ws-2'))).toEqual([]);
  });

  it('puts a line break where parts are missing, so text across a gap is not read as one token', () => {
    const assembler = new ScriptBlockAssembler();
    assembler.add(partOf('a', 1, 4, 'Start'));
    assembler.add(partOf('a', 3, 4, '-VM'));
    const [event] = assembler.flush();
    expect(event?.fields).toMatchObject({ ScriptBlockText: 'Start\n-VM', Partial: true });
    expect(assembler.flush()).toEqual([]);
  });

  it('frees the memory bound as groups complete', () => {
    const assembler = new ScriptBlockAssembler({ maxPendingGroups: 10, maxPendingChars: 10 });
    assembler.add(partOf('a', 1, 2, '12345'));
    assembler.add(partOf('a', 2, 2, '12345'));
    expect(assembler.add(partOf('b', 1, 2, '1234567890'))).toEqual([]);
    expect(assembler.add(partOf('c', 1, 2, 'x')).map((event) => event.fields.ScriptBlockId)).toEqual(['b']);
  });
});
