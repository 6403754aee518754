import { HistoryTransitionError, type TriageChange, type TriageState } from './store';

/** Longest close reason kept: a sentence for the next analyst, not a report. */
export const MAX_REASON_LENGTH = 500;
export const MAX_ACTOR_LENGTH = 256;

/**
 * Allowed triage moves. Closing needs a reason; a closed alert can be reopened (back to new) but not acknowledged,
 * so "acknowledged" always means someone is looking at an open alert.
 */
const ALLOWED: Readonly<Record<TriageState, readonly TriageState[]>> = {
  new: ['acknowledged', 'closed'],
  acknowledged: ['closed', 'new'],
  closed: ['new'],
};

/** The change, checked and trimmed, or a HistoryTransitionError saying why it is refused. */
export function checkTransition(from: TriageState, change: TriageChange): TriageChange {
  const by = change.by.trim();
  if (by.length === 0 || by.length > MAX_ACTOR_LENGTH) {
    throw new HistoryTransitionError(`who made the change is required (1..${MAX_ACTOR_LENGTH} characters)`);
  }
  if (!ALLOWED[from].includes(change.state)) {
    throw new HistoryTransitionError(`an alert that is ${from} cannot become ${change.state}`);
  }
  const reason = change.reason?.trim();
  if (change.state === 'closed' && !reason) {
    throw new HistoryTransitionError('closing an alert needs a reason (false positive, benign, resolved, ...)');
  }
  if (reason !== undefined && reason.length > MAX_REASON_LENGTH) {
    throw new HistoryTransitionError(`the reason is longer than ${MAX_REASON_LENGTH} characters`);
  }
  return { state: change.state, by, ...(reason ? { reason } : {}) };
}
