import { render, screen } from '@testing-library/vue'
import userEvent from '@testing-library/user-event'
import { createPinia } from 'pinia'
import { describe, expect, it } from 'vitest'
import { defineComponent, h, ref } from 'vue'
import ConfirmDialog from '@/components/ConfirmDialog.vue'
import { useConfirm } from '@/composables/useConfirm'
import { openQuestion } from '@/test-utils/confirm'

/** A page with a button that asks, and the answers it got. */
function setup() {
  const answers = ref<boolean[]>([])
  const Page = defineComponent(() => {
    const { ask } = useConfirm()
    const onClick = async () => {
      answers.value.push(await ask({ title: 'Cancel booking PKGNFBDU?', message: 'Leo on 27 Nov.\n\nSeat E6 will be released.', confirmLabel: 'Cancel booking', cancelLabel: 'Keep booking' }))
    }
    return () => h('button', { type: 'button', onClick }, 'Cancel')
  })
  render({ render: () => [h(Page), h(ConfirmDialog)] }, { global: { plugins: [createPinia()] } })
  return { user: userEvent.setup(), answers }
}

describe('ConfirmDialog', () => {
  it('asks with a title, a message and buttons that say what they do, focusing the safe one', async () => {
    const { user, answers } = setup()
    expect(screen.queryByRole('alertdialog')).toBeNull()
    await user.click(screen.getByRole('button', { name: 'Cancel' }))
    const { dialog, title, message } = openQuestion()
    expect(dialog).toHaveAccessibleName('Cancel booking PKGNFBDU?')
    expect(title).toBe('Cancel booking PKGNFBDU?')
    expect(message).toBe('Leo on 27 Nov.\n\nSeat E6 will be released.')
    expect(screen.getByRole('button', { name: 'Keep booking' })).toHaveFocus()
    await user.click(screen.getByRole('button', { name: 'Cancel booking' }))
    expect(answers.value).toEqual([true])
    expect(screen.queryByRole('alertdialog')).toBeNull()
    // Back where the person was.
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus()
  })

  it.each([
    ['Escape', (user: ReturnType<typeof userEvent.setup>) => user.keyboard('{Escape}')],
    ['Keep booking', (user: ReturnType<typeof userEvent.setup>) => user.click(screen.getByRole('button', { name: 'Keep booking' }))],
  ])('declines on %s and gives the focus back', async (_, decline) => {
    const { user, answers } = setup()
    await user.click(screen.getByRole('button', { name: 'Cancel' }))
    await decline(user)
    expect(answers.value).toEqual([false])
    expect(screen.queryByRole('alertdialog')).toBeNull()
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus()
  })

  it('confirms with the keyboard only on the destructive button', async () => {
    const { user, answers } = setup()
    await user.click(screen.getByRole('button', { name: 'Cancel' }))
    await user.keyboard('{Enter}') // on "Keep booking"
    expect(answers.value).toEqual([false])
    await user.click(screen.getByRole('button', { name: 'Cancel' }))
    await user.tab()
    expect(screen.getByRole('button', { name: 'Cancel booking' })).toHaveFocus()
    await user.keyboard('{Enter}')
    expect(answers.value).toEqual([false, true])
  })
})
