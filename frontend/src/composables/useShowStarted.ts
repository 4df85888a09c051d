import type { Ref } from 'vue'
import { useMomentPassed, type Moment } from './useMomentPassed'

/** Whether a show has started, turning true at its start time while the page is open. */
export function useShowStarted(startsAt: Ref<Moment>): Readonly<Ref<boolean>> {
  return useMomentPassed(startsAt)
}
