// Carries a call's source location from its action to the event recorded for it. Only when present, so
// histories without source locations stay exactly as they were.
import type { SourceLocation } from '../../protocol/common.js';

export function withSource<E extends { source?: SourceLocation }>(event: E, action: { source?: SourceLocation }): E {
  if (action.source) event.source = action.source;
  return event;
}
