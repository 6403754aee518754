import { basename, dedupKeyOf, eventKeyOf } from '../../lib/dedup/key';
import { detection, processEvent, rule } from '../allowlist/fixtures';

describe('dedupKeyOf', () => {
  it('is the same for the same rule, host and image, whatever else differs', () => {
    const a = dedupKeyOf(detection(processEvent({ index: 1 })), 3600);
    const b = dedupKeyOf(
      detection(
        processEvent({
          index: 2,
          fields: { Image: 'C:\\Other\\Dir\\VBOXMANAGE.EXE', CommandLine: 'VBoxManage startvm other' },
        }),
      ),
      3600,
    );
    expect(a.pk).toBe(b.pk);
    expect(a.pk).toMatch(/^dedup#[0-9a-f]{64}$/);
    expect(a.values).toEqual(['vboxmanage.exe']);
  });

  it('differs by host, by rule and by image', () => {
    const base = dedupKeyOf(detection(), 3600).hash;
    expect(dedupKeyOf(detection(processEvent({ host: { hostname: 'ws02' } })), 3600).hash).not.toBe(base);
    expect(dedupKeyOf(detection(processEvent(), rule({ id: 'other' })), 3600).hash).not.toBe(base);
    const headless = processEvent({ fields: { Image: 'C:\\VBox\\VBoxHeadless.exe' } });
    expect(dedupKeyOf(detection(headless), 3600).hash).not.toBe(base);
  });

  it('uses the container image, then the container name, when there is no image', () => {
    const image = dedupKeyOf(
      detection(processEvent({ fields: { ContainerImage: 'Alpine:3', ContainerName: 'x' } })),
      60,
    );
    expect(image.values).toEqual(['alpine:3']);
    const name = dedupKeyOf(detection(processEvent({ fields: { ContainerName: 'debugger' } })), 60);
    expect(name.values).toEqual(['debugger']);
  });

  it("uses the rule's dedup fields and window when it names them", () => {
    const withFields = rule({ dedupFields: ['CommandLine', 'User'], dedupWindowSeconds: 600 });
    const key = dedupKeyOf(detection(processEvent(), withFields), 3600);
    expect(key.values).toEqual([
      '"c:\\program files\\oracle\\virtualbox\\vboxmanage.exe" startvm dev --type headless',
      'corp\\alice',
    ]);
    expect(key.windowSeconds).toBe(600);
    expect(dedupKeyOf(detection(), 3600).windowSeconds).toBe(3600);
    const otherVm = processEvent({ fields: { ...processEvent().fields, CommandLine: 'VBoxManage startvm prod' } });
    expect(dedupKeyOf(detection(otherVm, withFields), 3600).hash).not.toBe(key.hash);
  });
});

describe('eventKeyOf', () => {
  it('is stable for the same record and differs for another record', () => {
    expect(eventKeyOf(processEvent({ index: 3 }))).toBe(eventKeyOf(processEvent({ index: 3 })));
    expect(eventKeyOf(processEvent({ index: 3 }))).not.toBe(eventKeyOf(processEvent({ index: 4 })));
    expect(eventKeyOf(processEvent({ eventId: 'a' }))).not.toBe(eventKeyOf(processEvent({ eventId: 'b' })));
  });
});

describe('basename', () => {
  it('takes the last component of Windows and POSIX paths', () => {
    expect(basename('C:\\a\\b.exe')).toBe('b.exe');
    expect(basename('/usr/bin/qemu-system-x86_64')).toBe('qemu-system-x86_64');
    expect(basename('plain')).toBe('plain');
  });
});
