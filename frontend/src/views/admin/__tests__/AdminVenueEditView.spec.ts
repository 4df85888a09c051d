import { fireEvent, render, screen, within } from '@testing-library/vue'
import userEvent from '@testing-library/user-event'
import { createPinia } from 'pinia'
import { describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { api } from '@/api'
import type { Meta, Venue } from '@/api/types'
import AdminVenueEditView from '@/views/admin/AdminVenueEditView.vue'

async function mount(url: string, currencies?: string[]) {
  vi.spyOn(api, 'meta').mockResolvedValue({ languages: {}, currencies } as Meta)
  const stub = { template: '<div />' }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/admin/venues/new', name: 'admin-venue-new', component: AdminVenueEditView },
      { path: '/admin/venues/:id/edit', name: 'admin-venue-edit', component: AdminVenueEditView },
      { path: '/admin/venues', name: 'admin-venues', component: stub },
      { path: '/admin/venues/:id/shows', name: 'admin-venue-shows', component: stub },
    ],
  })
  await router.push(url)
  render(AdminVenueEditView, { global: { plugins: [createPinia(), router] } })
  return userEvent.setup()
}

const premiumRows = () => screen.getByLabelText('Category 1 rows')

async function setRows(user: ReturnType<typeof userEvent.setup>, rows: string) {
  await user.clear(screen.getByRole('spinbutton', { name: 'Rows' }))
  await user.type(screen.getByRole('spinbutton', { name: 'Rows' }), rows)
}

async function nameAndSave(user: ReturnType<typeof userEvent.setup>) {
  await user.type(screen.getByRole('textbox', { name: 'Name' }), 'Hall 2')
  await user.type(screen.getByRole('textbox', { name: 'City' }), 'Chennai')
  await user.click(screen.getByRole('button', { name: 'Create venue' }))
}

describe('AdminVenueEditView, a new venue', () => {
  it('moves the suggested Premium rows with the row count', async () => {
    const create = vi.spyOn(api, 'createVenue').mockResolvedValue({ venue: { venue_id: 5 } as Venue })
    const user = await mount('/admin/venues/new')
    expect(premiumRows()).toHaveValue('H, I, J')
    await setRows(user, '6')
    expect(premiumRows()).toHaveValue('E, F')
    await setRows(user, '16')
    expect(premiumRows()).toHaveValue('M, N, O, P')
    await setRows(user, '6')
    await nameAndSave(user)
    expect(create).toHaveBeenCalledTimes(1)
    expect(create.mock.calls[0]![0].layout!.categories).toEqual([{ name: 'Premium', rows: ['E', 'F'], surcharge: '100.00' }])
  })

  it('leaves categories the admin edited alone, and says which rows the hall lacks', async () => {
    const create = vi.spyOn(api, 'createVenue')
    const user = await mount('/admin/venues/new')
    await user.clear(screen.getByLabelText('Category 1 surcharge'))
    await user.type(screen.getByLabelText('Category 1 surcharge'), '150')
    await setRows(user, '6')
    expect(premiumRows()).toHaveValue('H, I, J')
    await nameAndSave(user)
    expect(create).not.toHaveBeenCalled()
    expect(screen.getByRole('alert')).toHaveTextContent('Rows H, I, J of Premium are not in this venue (it has rows A–F).')
  })
})

describe('AdminVenueEditView, the currency', () => {
  const currency = () => screen.getByRole('combobox', { name: 'Currency' })
  const hint = 'Changing it applies to new bookings; bookings already made keep the currency they were charged in.'

  function existing(code: string) {
    vi.spyOn(api, 'venue').mockResolvedValue({
      venue: {
        venue_id: 4, name: 'Sathyam', location: 'Chennai', rows: 10, seats_per_row: 12, capacity: 120, currency: code,
        layout: { removed: [] as string[], categories: [{ name: 'Gold', rows: ['A', 'B'], surcharge: '80.00' }] },
      } as Venue,
    })
    return vi.spyOn(api, 'updateVenue').mockResolvedValue({ venue: { venue_id: 4 } as Venue })
  }

  it('creates a new venue in the chosen currency, and labels its surcharges with it', async () => {
    const create = vi.spyOn(api, 'createVenue').mockResolvedValue({ venue: { venue_id: 5 } as Venue })
    const user = await mount('/admin/venues/new')
    expect(currency()).toHaveValue('INR')
    expect(screen.getByRole('option', { name: 'INR · Indian Rupee' })).toBeInTheDocument()
    expect(screen.getByText('Surcharge (₹)')).toBeInTheDocument()
    // Nothing is booked at a venue not yet made.
    expect(screen.queryByText(hint)).not.toBeInTheDocument()
    await user.selectOptions(currency(), 'EUR · Euro')
    expect(screen.getByText('Surcharge (€)')).toBeInTheDocument()
    expect(screen.queryByText('Surcharge (₹)')).not.toBeInTheDocument()
    // The preview prices its surcharges in it too.
    expect(screen.getByRole('list', { name: 'Price categories' })).toHaveTextContent('Premium +€100')
    await nameAndSave(user)
    expect(create).toHaveBeenCalledTimes(1)
    expect(create.mock.calls[0]![0]).toMatchObject({ name: 'Hall 2', currency: 'EUR' })
  })

  it('shows an existing EUR venue in euros and saves it in euros', async () => {
    const update = existing('EUR')
    const user = await mount('/admin/venues/4/edit')
    expect(await screen.findByRole('combobox', { name: 'Currency' })).toHaveValue('EUR')
    expect(screen.getByRole('option', { name: 'EUR · Euro', selected: true })).toBeInTheDocument()
    expect(screen.getByText('Surcharge (€)')).toBeInTheDocument()
    expect(currency()).toHaveAccessibleDescription(hint)
    await user.click(screen.getByRole('button', { name: 'Save venue' }))
    expect(update).toHaveBeenCalledTimes(1)
    expect(update.mock.calls[0]![0]).toBe(4)
    expect(update.mock.calls[0]![1].currency).toBe('EUR')
  })

  it('offers every currency the server accepts, the common ones first', async () => {
    const create = vi.spyOn(api, 'createVenue').mockResolvedValue({ venue: { venue_id: 5 } as Venue })
    const accepted = ['AED', 'AUD', 'CAD', 'CHF', 'EUR', 'GBP', 'INR', 'JPY', 'SGD', 'SLE', 'USD']
    const user = await mount('/admin/venues/new', accepted)
    const other = await screen.findByRole('group', { name: 'Other currencies' })
    expect(within(other).getAllByRole('option').map((o) => o.textContent)).toEqual([
      'CHF · Swiss Franc', 'JPY · Japanese Yen', 'SLE · Sierra Leonean Leone',
    ])
    // One form for all: before, 'USD ($)' beside 'AED (United Arab Emirates Dirham)' and a bare 'SLE'.
    for (const option of screen.getAllByRole('option')) expect(option.textContent).toMatch(/^[A-Z]{3} · \S/)
    const common = screen.getByRole('group', { name: 'Common' })
    expect(within(common).getAllByRole('option')).toHaveLength(8)
    await user.selectOptions(currency(), 'JPY · Japanese Yen')
    expect(screen.getByText('Surcharge (JP¥)')).toBeInTheDocument()
    await nameAndSave(user)
    expect(create.mock.calls[0]![0]).toMatchObject({ name: 'Hall 2', currency: 'JPY' })
  })

  it('keeps a code outside the common list selectable, and can change it', async () => {
    const update = existing('CHF')
    const user = await mount('/admin/venues/4/edit')
    expect(await screen.findByRole('combobox', { name: 'Currency' })).toHaveValue('CHF')
    expect(screen.getByRole('option', { name: 'CHF · Swiss Franc', selected: true })).toBeInTheDocument()
    expect(screen.getAllByRole('option')).toHaveLength(9)
    expect(screen.getByText('Surcharge (CHF)')).toBeInTheDocument()
    await user.selectOptions(currency(), 'GBP · British Pound')
    // Still offered, so a slip can be undone before saving.
    await user.selectOptions(currency(), 'CHF · Swiss Franc')
    await user.click(screen.getByRole('button', { name: 'Save venue' }))
    expect(update.mock.calls[0]![1].currency).toBe('CHF')
  })
})

describe('AdminVenueEditView, an existing venue', () => {
  it("keeps the venue's own categories when its rows change", async () => {
    vi.spyOn(api, 'venue').mockResolvedValue({
      venue: {
        venue_id: 4, name: 'Sathyam', location: 'Chennai', rows: 10, seats_per_row: 12, capacity: 120,
        layout: { removed: [] as string[], categories: [{ name: 'Gold', rows: ['A', 'B'], surcharge: '80.00' }] },
      } as Venue,
    })
    const user = await mount('/admin/venues/4/edit')
    expect(await screen.findByLabelText('Category 1 rows')).toHaveValue('A, B')
    await setRows(user, '6')
    expect(premiumRows()).toHaveValue('A, B')
  })
})

describe('AdminVenueEditView, whole columns and rows', () => {
  const removedHint = () => screen.getByText(/^Removed seats:/)

  it('removes an aisle with one click on its column number, and puts it back the same way', async () => {
    const create = vi.spyOn(api, 'createVenue').mockResolvedValue({ venue: { venue_id: 5 } as Venue })
    const user = await mount('/admin/venues/new')
    // Before, column 6 of 10 rows took 10 clicks.
    await user.click(screen.getByRole('button', { name: 'Remove column 6' }))
    expect(removedHint()).toHaveTextContent('Removed seats: A6, B6, C6, D6, E6, F6, G6, H6, I6, J6')
    expect(screen.getByTestId('seat-count')).toHaveTextContent('110 seats (10 rows × 12, 10 removed).')
    await user.click(screen.getByRole('button', { name: 'Restore column 6' }))
    expect(removedHint()).toHaveTextContent('Removed seats: none')
    await user.click(screen.getByRole('button', { name: 'Remove row J' }))
    await user.click(screen.getByRole('button', { name: 'Remove column 6' }))
    // Typed at once: this test is about the clicks, and typing key by key is slow here.
    await fireEvent.update(screen.getByRole('textbox', { name: 'Name' }), 'Hall 2')
    await fireEvent.update(screen.getByRole('textbox', { name: 'City' }), 'Chennai')
    await user.click(screen.getByRole('button', { name: 'Create venue' }))
    const row = (r: string) => Array.from({ length: 12 }, (_, i) => `${r}${i + 1}`)
    expect(create.mock.calls[0]![0].layout!.removed).toEqual([...row('J'), ...'ABCDEFGHI'.split('').map((r) => `${r}6`)])
  })
})

describe('AdminVenueEditView, a venue whose upcoming shows have bookings', () => {
  const reason = 'The seating cannot change while upcoming shows have bookings.'

  function existing(locked: boolean) {
    vi.spyOn(api, 'venue').mockResolvedValue({
      venue: {
        venue_id: 4, name: 'Sathyam', location: 'Chennai', rows: 10, seats_per_row: 12, capacity: 119, currency: 'INR',
        layout: { removed: ['A1'], categories: [{ name: 'Gold', rows: ['A', 'B'], surcharge: '80.00' }] },
        seating_locked: locked, seating_locked_reason: locked ? reason : null,
      } as Venue,
    })
    return vi.spyOn(api, 'updateVenue').mockResolvedValue({ venue: { venue_id: 4 } as Venue })
  }

  it('says up front that the seating is locked and disables it, leaving name, city and currency editable', async () => {
    const update = existing(true)
    const user = await mount('/admin/venues/4/edit')
    // Said before anything is typed or saved.
    expect(await screen.findByText(new RegExp(`${reason} Name, city and currency can still be changed.`))).toBeVisible()
    expect(screen.getByRole('link', { name: 'See its shows' })).toBeInTheDocument()
    for (const name of ['Rows', 'Seats per row']) expect(screen.getByRole('spinbutton', { name })).toBeDisabled()
    expect(screen.getByLabelText('Category 1 rows')).toBeDisabled()
    expect(screen.getByRole('button', { name: 'Add category' })).toBeDisabled()
    expect(screen.getByRole('button', { name: /^Remove seat B 2/ })).toHaveAttribute('aria-disabled', 'true')
    expect(screen.getByRole('button', { name: 'Restore seat A 1' })).toHaveAttribute('aria-disabled', 'true')
    expect(screen.getByRole('button', { name: 'Remove column 6' })).toHaveAttribute('aria-disabled', 'true')
    expect(screen.getByRole('button', { name: 'Remove row C' })).toHaveAttribute('aria-disabled', 'true')
    expect(screen.getByRole('group', { name: 'Seating' })).toHaveAccessibleDescription(/^The seating cannot change/)
    await user.click(screen.getByRole('button', { name: 'Remove column 6' }))
    expect(screen.getByText(/^Removed seats:/)).toHaveTextContent('Removed seats: A1')

    await user.clear(screen.getByRole('textbox', { name: 'Name' }))
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'Sathyam 2')
    await user.selectOptions(screen.getByRole('combobox', { name: 'Currency' }), 'EUR · Euro')
    await user.click(screen.getByRole('button', { name: 'Save venue' }))
    // The seating is not sent: nothing of it can be read as a change and refused.
    expect(update.mock.calls).toEqual([[4, { name: 'Sathyam 2', location: 'Chennai', currency: 'EUR' }]])
  })

  it('leaves the seating editable when the venue says it may change', async () => {
    const update = existing(false)
    const user = await mount('/admin/venues/4/edit')
    expect(await screen.findByRole('spinbutton', { name: 'Rows' })).toBeEnabled()
    expect(screen.queryByText(reason, { exact: false })).toBeNull()
    await user.click(screen.getByRole('button', { name: 'Remove column 6' }))
    await user.click(screen.getByRole('button', { name: 'Save venue' }))
    expect(update.mock.calls[0]![1]).toMatchObject({ rows: 10, seats_per_row: 12 })
    expect(update.mock.calls[0]![1].layout!.removed).toContain('J6')
  })
})
