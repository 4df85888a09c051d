import { render, screen, waitFor, within } from '@testing-library/vue'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { api } from '@/api'
import type { TicketVerification } from '@/api/types'
import { cameraRefusal, fakeStream, installCamera, removeCamera } from '@/composables/__tests__/fakeCamera'
import AdminTicketCheckView from '@/views/admin/AdminTicketCheckView.vue'

// What the camera shows; the frame decoder needs a canvas, which jsdom lacks, so it reads this.
const inView = vi.hoisted(() => ({ text: null as string | null }))
vi.mock('@/lib/qrFrames', () => ({ createFrameDecoder: async () => async () => inView.text }))

afterEach(() => {
  inView.text = null
  removeCamera()
})

const booking = (code: string, admitted_at: string | null) => ({
  code, holder: 'Asha', seats: ['E7'], starts_at: '2026-11-26T18:30:00+05:30', status: 'confirmed' as const,
  title: 'Jawan', venue: { name: 'PVR', location: 'Mumbai' }, admitted_at,
})
const admitted = (code: string): TicketVerification => ({ valid: true, reason: 'admitted', booking: booking(code, '2026-11-26T18:05:00+05:30') })

describe('AdminTicketCheckView with the camera', () => {
  it('admits the tickets the camera reads, one after another, and announces each', async () => {
    const user = userEvent.setup()
    const { stream, track } = fakeStream()
    installCamera(async () => stream)
    const admit = vi.spyOn(api, 'admitTicket').mockImplementation(async (ref) => admitted(ref.slice(3, 11)))
    render(AdminTicketCheckView)
    const status = screen.getByRole('status') // in the page before any result, to be read out
    expect(status).toBeEmptyDOMElement()

    await user.click(screen.getByRole('button', { name: 'Scan with camera' }))
    expect(screen.getByLabelText('Camera view for scanning ticket QR codes')).toBeVisible()
    inView.text = 'BX:AAAAAAAA.sig'
    expect(await within(status).findByText(/Valid ticket — let them in/)).toBeInTheDocument()
    expect(within(status).getByText('AAAAAAAA')).toBeInTheDocument()
    inView.text = 'BX:BBBBBBBB.sig'
    expect(await within(status).findByText('BBBBBBBB')).toBeInTheDocument()
    expect(admit.mock.calls).toEqual([['BX:AAAAAAAA.sig'], ['BX:BBBBBBBB.sig']])
    // The field is left alone: no focus, which on a phone would open the keyboard over the camera.
    expect(screen.getByLabelText('Scanned ticket reference')).not.toHaveFocus()

    await user.click(screen.getByRole('button', { name: 'Stop camera' }))
    expect(track.stop).toHaveBeenCalled()
    expect(screen.getByRole('button', { name: 'Scan with camera' })).toHaveFocus()
  })

  it('stops the camera when the page is left', async () => {
    const user = userEvent.setup()
    const { stream, track } = fakeStream()
    installCamera(async () => stream)
    const { unmount } = render(AdminTicketCheckView)
    await user.click(screen.getByRole('button', { name: 'Scan with camera' }))
    await screen.findByRole('button', { name: 'Stop camera' })
    unmount()
    expect(track.stop).toHaveBeenCalled()
  })

  it('says why the camera cannot be used, and typed codes still work', async () => {
    const user = userEvent.setup()
    installCamera(() => cameraRefusal('NotAllowedError'))
    vi.spyOn(api, 'admitTicket').mockResolvedValue(admitted('PKGNFBDU'))
    render(AdminTicketCheckView)
    await user.click(screen.getByRole('button', { name: 'Scan with camera' }))
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Camera access was refused. Allow the camera for this site in the browser settings, then try again. Type the code in the field above instead.',
    )
    expect(screen.getByLabelText('Camera view for scanning ticket QR codes')).not.toBeVisible()
    await user.type(screen.getByLabelText('Scanned ticket reference'), 'PKGNFBDU{Enter}')
    expect(await screen.findByText(/Valid ticket — let them in/)).toBeInTheDocument()
  })

  it('says so on a device without a camera', async () => {
    const user = userEvent.setup()
    installCamera(() => cameraRefusal('NotFoundError'))
    render(AdminTicketCheckView)
    await user.click(screen.getByRole('button', { name: 'Scan with camera' }))
    expect(await screen.findByRole('alert')).toHaveTextContent('No camera was found on this device.')
    await waitFor(() => expect(screen.getByRole('button', { name: 'Scan with camera' })).not.toHaveAttribute('aria-disabled'))
  })
})

describe('AdminTicketCheckView, typed codes', () => {
  it('asks for what it takes, with no "BX:" to copy into the field', () => {
    render(AdminTicketCheckView)
    const field = screen.getByLabelText('Scanned ticket reference')
    expect(field).toHaveAccessibleDescription('Scan the QR code, or type the 8-character booking code printed on the ticket.')
    expect(field).not.toHaveAttribute('placeholder')
  })

  it('sends a code typed in lower case or in groups as tickets print it, and names it so', async () => {
    const user = userEvent.setup()
    const admit = vi.spyOn(api, 'admitTicket').mockResolvedValue({ valid: false, reason: 'unknown', booking: null })
    render(AdminTicketCheckView)
    await user.type(screen.getByLabelText('Scanned ticket reference'), 'kzuw-tl4j{Enter}')
    const status = screen.getByRole('status')
    expect(await within(status).findByText('No booking with this code.')).toBeInTheDocument()
    expect(admit).toHaveBeenCalledWith('KZUWTL4J')
    expect(status).toHaveTextContent('Checked: KZUWTL4J')
  })

  it('names the code a refused QR reference claims, not its signature', async () => {
    const user = userEvent.setup()
    vi.spyOn(api, 'admitTicket').mockResolvedValue({ valid: false, reason: 'forged', booking: null })
    render(AdminTicketCheckView)
    await user.type(screen.getByLabelText('Scanned ticket reference'), 'BX:NOTREAL.forged{Enter}')
    const status = screen.getByRole('status')
    expect(await within(status).findByText(/Not a BoxOffice ticket/)).toBeInTheDocument()
    expect(status).toHaveTextContent('Checked: NOTREAL')
    expect(status).not.toHaveTextContent('forged')
  })

  it('names a booking found once, by its code', async () => {
    const user = userEvent.setup()
    vi.spyOn(api, 'admitTicket').mockResolvedValue(admitted('KZUWTL4J'))
    render(AdminTicketCheckView)
    await user.type(screen.getByLabelText('Scanned ticket reference'), 'kzuwtl4j{Enter}')
    const status = screen.getByRole('status')
    expect(await within(status).findByText('KZUWTL4J')).toBeInTheDocument()
    expect(status).not.toHaveTextContent('kzuwtl4j')
  })
})
