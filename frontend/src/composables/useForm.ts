import { computed, nextTick, ref } from 'vue'
import { ApiError } from '@/api/client'
import { hasErrors, type FieldErrors } from '@/lib/validation'

/**
 * Shared form plumbing: client checks run on submit (and live once a submit was tried);
 * the server's 422 and 409 `details` land in the same field-error map; other errors become
 * one form-level message.
 */
export function useForm(validate: () => FieldErrors) {
  const submitted = ref(false)
  const serverErrors = ref<FieldErrors>({})
  const formError = ref<string | null>(null)
  const busy = ref(false)

  const clientErrors = computed<FieldErrors>(() => (submitted.value ? validate() : {}))
  const errors = computed<FieldErrors>(() => ({ ...serverErrors.value, ...clientErrors.value }))
  const fieldErrors = (field: string) => errors.value[field] ?? []

  async function submit(action: () => Promise<unknown>): Promise<boolean> {
    submitted.value = true
    serverErrors.value = {}
    formError.value = null
    if (hasErrors(validate())) {
      await focusFirstError()
      return false
    }
    busy.value = true
    try {
      await action()
      return true
    } catch (e) {
      if (e instanceof ApiError) {
        const fields = e.fieldErrors
        serverErrors.value = fields
        // An error that names no field still needs a visible message. One that does is said at
        // its fields: a 422 adds a pointer to them, but a conflict (an email already registered)
        // would only say the same thing twice.
        if (!hasErrors(fields)) formError.value = e.message
        else if (e.status === 422) formError.value = 'Please fix the highlighted fields.'
        await focusFirstError()
      } else {
        formError.value = 'Something went wrong. Please try again.'
      }
      return false
    } finally {
      busy.value = false
    }
  }

  /** Keyboard and screen-reader users land on the first thing to fix. */
  async function focusFirstError() {
    await nextTick()
    document.querySelector<HTMLElement>('form [aria-invalid="true"]')?.focus()
  }

  /** Editing a field clears the server's complaint about it. */
  function touch(field: string) {
    if (serverErrors.value[field]) {
      const { [field]: _, ...rest } = serverErrors.value
      serverErrors.value = rest
    }
  }

  /** After a successful submit that empties the form: no complaints about the empty fields. */
  function reset() {
    submitted.value = false
    serverErrors.value = {}
    formError.value = null
  }

  return { submitted, errors, fieldErrors, formError, busy, submit, touch, reset }
}
