import { getField } from '../../lib/rules';
import { makeEvent } from './helpers';

describe('getField', () => {
  it('reads the normalized (Sigma-named) field first', () => {
    const event = makeEvent({ fields: { Image: 'C:\\a.exe' }, raw: { Image: 'C:\\raw.exe' } });
    expect(getField(event, 'Image')).toBe('C:\\a.exe');
    expect(getField(event, 'ParentImage')).toBeUndefined();
  });

  it('maps Sigma aliases such as Provider_Name and NewProcessName to normalized fields', () => {
    const event = makeEvent({ fields: { Provider: 'Service Control Manager', Image: 'C:\\q.exe' } });
    expect(getField(event, 'Provider_Name')).toBe('Service Control Manager');
    expect(getField(event, 'NewProcessName')).toBe('C:\\q.exe');
    expect(getField(makeEvent({ fields: {} }), 'Provider_Name')).toBeUndefined();
  });

  it('falls back to the raw record by exact key, even when the key contains dots', () => {
    const event = makeEvent({ raw: { 'authorization.k8s.io/decision': 'allow', eventName: 'RunTask' } });
    expect(getField(event, 'eventName')).toBe('RunTask');
    expect(getField(event, 'authorization.k8s.io/decision')).toBe('allow');
    expect(getField(event, 'eventSource')).toBeUndefined();
  });

  it('walks dotted paths, flattening arrays on the way', () => {
    const raw = { requestParameters: { containerDefinitions: [{ image: 'a' }, { image: 'b' }, { other: 1 }] } };
    const event = makeEvent({ raw });
    expect(getField(event, 'requestParameters.containerDefinitions.image')).toEqual(['a', 'b']);
    expect(getField(event, 'requestParameters.containerDefinitions')).toEqual(
      raw.requestParameters.containerDefinitions,
    );
    expect(getField(event, 'requestParameters.missing.image')).toBeUndefined();
  });

  it('walks keys that contain dots inside a path', () => {
    const event = makeEvent({ raw: { annotations: { 'authorization.k8s.io/reason': 'RBAC' } } });
    expect(getField(event, 'annotations.authorization.k8s.io/reason')).toBe('RBAC');
  });

  it('never reads inherited properties', () => {
    const event = makeEvent({ raw: { a: {} } });
    expect(getField(event, 'constructor')).toBeUndefined();
    expect(getField(event, 'a.__proto__')).toBeUndefined();
    expect(getField(event, 'toString')).toBeUndefined();
  });

  it('uses source-native aliases only when the raw record lacks the name', () => {
    const normalized = makeEvent({
      platform: 'aws',
      category: 'cloud_api',
      format: 'normalized',
      fields: { ApiOperation: 'RunTask' },
    });
    expect(getField(normalized, 'eventName')).toBe('RunTask');
    const withRaw = makeEvent({ format: 'cloudtrail', fields: { ApiOperation: 'X' }, raw: { eventName: 'RunTask' } });
    expect(getField(withRaw, 'eventName')).toBe('RunTask');
    expect(getField(makeEvent({ platform: 'windows', fields: { ApiOperation: 'x' } }), 'eventName')).toBeUndefined();
  });
});
