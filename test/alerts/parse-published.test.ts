import { CONTENT_LEVELS } from '../../lib/alerts/bound';
import { parsePublishedAlert } from '../../lib/alerts/parse-published';
import { toPublishedAlert } from '../../lib/alerts/published-alert';
import { inertJson } from '../../lib/alerts/text';
import { vmAlert } from './fixtures';

const body = inertJson(toPublishedAlert(vmAlert(), { region: 'eu-west-1' }, CONTENT_LEVELS[0]!, 0));

describe('parsePublishedAlert', () => {
  it('reads back the published default body', () => {
    const parsed = parsePublishedAlert(body);
    expect(parsed.ok && parsed.alert.id).toBe(vmAlert().id);
  });

  it('refuses text that is not JSON, with the reason', () => {
    expect(parsePublishedAlert('hello')).toMatchObject({ ok: false, reason: expect.stringMatching(/^not JSON/) });
  });

  it('refuses JSON of another schema or with a wrong field type', () => {
    const other = { ...JSON.parse(body), schema: 'other.v9' };
    expect(parsePublishedAlert(JSON.stringify(other)).ok).toBe(false);
    const wrong = { ...JSON.parse(body), severity: 'apocalyptic' };
    expect(parsePublishedAlert(JSON.stringify(wrong))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('severity'),
    });
  });
});
