import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { api } from '@/api'
import { ApiError } from '@/api/client'
import type { SeatMapResponse, Show } from '@/api/types'
import { seatsFromLayout } from '@/lib/layout'
import { useNoticesStore } from '@/stores/notices'
import { useSeatsStore } from '@/stores/seats'

const show = { show_id: 7, title: 'Dune', starts_at: '2099-01-01T18:00:00+05:30' } as Show

function seatMap(hold: SeatMapResponse['hold'] = null): SeatMapResponse {
  const seats = seatsFromLayout(2, 4, { removed: [], categories: [{ name: 'Premium', rows: ['B'], surcharge: '100.00' }] }, '200.00')
  for (const label of hold?.seats ?? []) Object.assign(seats.find((s) => s.seat === label)!, { status: 'held', mine: true })
  return { show_id: 7, rows: 2, seats_per_row: 4, currency: 'INR', seats, hold }
}

const hold = (seats: string[], id = 1) => ({ hold_id: id, expires_at: '2099-01-01T12:00:00Z', seats, total: '0.00' })

beforeEach(() => {
  setActivePinia(createPinia())
  vi.spyOn(api, 'show').mockResolvedValue({ show })
})

async function loaded(map = seatMap()) {
  vi.spyOn(api, 'seats').mockResolvedValue(map)
  const store = useSeatsStore()
  await store.load(7)
  return store
}

describe('seats store', () => {
  it('restores an existing hold as the selection', async () => {
    const store = await loaded(seatMap(hold(['B1', 'B2'])))
    expect(store.selected).toEqual(['B1', 'B2'])
    expect(store.total).toBe('600.00')
    expect(store.inSync).toBe(true)
  })

  it("states a restored hold's prices in the currency it quoted, the venue's otherwise", async () => {
    const store = await loaded(seatMap({ ...hold(['B1']), currency: 'EUR' }))
    expect(store.currency).toBe('EUR')
    expect((await loaded(seatMap(hold(['B1'])))).currency).toBe('INR')
  })

  it('holds the full selection on every toggle and lists prices in seat order', async () => {
    const store = await loaded()
    const holdSpy = vi.spyOn(api, 'hold').mockImplementation(async (_id, seats) => hold(seats))
    store.toggle('B2')
    store.toggle('A1')
    await store.syncHold()
    expect(holdSpy).toHaveBeenLastCalledWith(7, ['B2', 'A1'])
    expect(store.selectedSeats.map((s) => [s.seat, s.price])).toEqual([['A1', '200.00'], ['B2', '300.00']])
    expect(store.total).toBe('500.00')
    expect(store.inSync).toBe(true)
  })

  it('releases the hold when the last seat is deselected', async () => {
    const store = await loaded(seatMap(hold(['A1'], 9)))
    const release = vi.spyOn(api, 'releaseHold').mockResolvedValue({})
    store.toggle('A1')
    await store.syncHold()
    expect(release).toHaveBeenCalledWith(9)
    expect(store.hold).toBeNull()
    expect(store.map!.seats.find((s) => s.seat === 'A1')!.status).toBe('free')
  })

  it('on seat_taken drops the taken seat, shows it as the server has it, and holds the rest', async () => {
    const store = await loaded()
    const holdSpy = vi
      .spyOn(api, 'hold')
      .mockRejectedValueOnce(new ApiError(409, 'seat_taken', 'Seat A2 is no longer available.', { seats: ['A2'] }))
      .mockImplementation(async (_id, seats) => hold(seats))
    // Lost to a booking, not a hold: only the server knows which.
    const now = seatMap()
    now.seats.find((s) => s.seat === 'A2')!.status = 'booked'
    const seats = vi.spyOn(api, 'seats').mockResolvedValue(now)
    store.selected = ['A1', 'A2']
    await store.syncHold()
    expect(seats).toHaveBeenCalledTimes(2) // the load, then after the 409
    expect(holdSpy).toHaveBeenLastCalledWith(7, ['A1'])
    expect(store.selected).toEqual(['A1'])
    const status = (l: string) => store.displayStatus(store.map!.seats.find((s) => s.seat === l)!)
    expect(status('A2')).toBe('booked')
    expect(status('A1')).toBe('mine')
    expect(store.inSync).toBe(true)
    expect(useNoticesStore().items.map((n) => n.text)).toContain('Seat A2 is no longer available.')
  })

  it('on seat_taken keeps the earlier hold and the picks not yet sent', async () => {
    const store = await loaded(seatMap(hold(['A1'], 5)))
    const now = seatMap(hold(['A1'], 5))
    now.seats.find((s) => s.seat === 'A2')!.status = 'held'
    vi.spyOn(api, 'seats').mockResolvedValue(now)
    const holdSpy = vi
      .spyOn(api, 'hold')
      .mockRejectedValueOnce(new ApiError(409, 'seat_taken', 'Seat A2 is no longer available.', { seats: ['A2'] }))
      .mockImplementation(async (_id, seats) => hold(seats, 6))
    store.toggle('A2')
    store.toggle('A3') // picked while the first request is out
    await store.syncHold()
    expect(holdSpy.mock.calls.map((c) => c[1])).toEqual([['A1', 'A2'], ['A1', 'A3']])
    expect(store.selected).toEqual(['A1', 'A3'])
    expect(store.hold?.hold_id).toBe(6)
    const status = (l: string) => store.displayStatus(store.map!.seats.find((s) => s.seat === l)!)
    expect([status('A1'), status('A2'), status('A3')]).toEqual(['mine', 'held', 'mine'])
  })

  it('picks again the remembered seats that are still free and names the others', async () => {
    const map = seatMap()
    map.seats.find((s) => s.seat === 'A2')!.status = 'booked'
    const store = await loaded(map)
    const holdSpy = vi.spyOn(api, 'hold').mockImplementation(async (_id, seats) => hold(seats))
    store.restore(['B1', 'A2', 'B2'])
    await store.settled()
    expect(holdSpy).toHaveBeenCalledTimes(1)
    expect(holdSpy).toHaveBeenLastCalledWith(7, ['B1', 'B2'])
    expect(store.selected).toEqual(['B1', 'B2'])
    expect(store.inSync).toBe(true)
    expect(useNoticesStore().items.map((n) => n.text)).toEqual(['Seat A2 was taken meanwhile.'])
  })

  it('adds remembered seats to the hold it already has, without naming its own seats as taken', async () => {
    const map = seatMap(hold(['A1'], 2))
    const store = await loaded(map)
    const holdSpy = vi.spyOn(api, 'hold').mockImplementation(async (_id, seats) => hold(seats))
    store.restore(['A1', 'A3'])
    await store.settled()
    expect(holdSpy).toHaveBeenLastCalledWith(7, ['A1', 'A3'])
    expect(useNoticesStore().items).toEqual([])
  })

  it('holds nothing when every remembered seat is gone', async () => {
    const map = seatMap()
    for (const l of ['A1', 'A2']) map.seats.find((s) => s.seat === l)!.status = 'held'
    const store = await loaded(map)
    const holdSpy = vi.spyOn(api, 'hold')
    store.restore(['A1', 'A2'])
    expect(holdSpy).not.toHaveBeenCalled()
    expect(store.selected).toEqual([])
    expect(useNoticesStore().items.map((n) => n.text)).toEqual(['Seats A1, A2 were taken meanwhile.'])
  })

  it('does not pick seats that are not free', async () => {
    const map = seatMap()
    map.seats[0]!.status = 'booked'
    const store = await loaded(map)
    vi.spyOn(api, 'hold').mockImplementation(async (_id, seats) => hold(seats))
    store.toggle('A1')
    expect(store.selected).toEqual([])
  })

  it('applies live events but keeps its own held seats as mine', async () => {
    const store = await loaded(seatMap(hold(['A1'])))
    store.applyEvent({ seats: [{ seat: 'A1', status: 'held' }, { seat: 'A3', status: 'booked' }, { seat: 'B4', status: 'held' }] })
    expect(store.selected).toEqual(['A1'])
    const status = (l: string) => store.displayStatus(store.map!.seats.find((s) => s.seat === l)!)
    expect(status('A1')).toBe('mine')
    expect(status('A3')).toBe('booked')
    expect(status('B4')).toBe('held')
    store.applyEvent({ seats: [{ seat: 'B4', status: 'free' }] })
    expect(status('B4')).toBe('free')
  })

  it('shows seats we booked as ours, outside the selection and not pickable', async () => {
    const map = seatMap()
    Object.assign(map.seats.find((s) => s.seat === 'A2')!, { status: 'booked', mine: true })
    Object.assign(map.seats.find((s) => s.seat === 'B3')!, { status: 'booked', mine: true })
    Object.assign(map.seats.find((s) => s.seat === 'A3')!, { status: 'booked', mine: false })
    const store = await loaded(map)
    const holdSpy = vi.spyOn(api, 'hold')
    const status = (l: string) => store.displayStatus(store.map!.seats.find((s) => s.seat === l)!)
    expect([status('A2'), status('B3'), status('A3')]).toEqual(['yours', 'yours', 'booked'])
    expect(store.bookedByMe).toEqual(['A2', 'B3'])
    expect(store.selected).toEqual([])
    store.toggle('A2')
    expect(store.selected).toEqual([])
    expect(holdSpy).not.toHaveBeenCalled()
  })

  it('keeps our booked seats ours through live events until they are freed', async () => {
    const map = seatMap(hold(['B1']))
    Object.assign(map.seats.find((s) => s.seat === 'A2')!, { status: 'booked', mine: true })
    const store = await loaded(map)
    const status = (l: string) => store.displayStatus(store.map!.seats.find((s) => s.seat === l)!)
    // Our booking announced (late, or once more): still ours, and nobody else's booking notice.
    store.applyEvent({ seats: [{ seat: 'A2', status: 'booked' }, { seat: 'A3', status: 'booked' }] })
    expect([status('A2'), status('A3'), status('B1')]).toEqual(['yours', 'booked', 'mine'])
    expect(useNoticesStore().items).toEqual([])
    // Cancelled (here or elsewhere): free for everyone, and no longer ours once booked again.
    store.applyEvent({ seats: [{ seat: 'A2', status: 'free' }] })
    expect(status('A2')).toBe('free')
    store.applyEvent({ seats: [{ seat: 'A2', status: 'booked' }] })
    expect(status('A2')).toBe('booked')
    expect(store.bookedByMe).toEqual([])
  })

  it('keeps a pick whose own "held" event arrives before the hold response', async () => {
    const store = await loaded()
    let answer: (value: ReturnType<typeof hold>) => void = () => undefined
    vi.spyOn(api, 'hold').mockImplementation((_id, seats) => new Promise((resolve) => (answer = () => resolve(hold(seats)))))
    store.toggle('A2')
    store.applyEvent({ seats: [{ seat: 'A2', status: 'held' }] })
    expect(store.selected).toEqual(['A2'])
    answer(hold(['A2']))
    await vi.waitFor(() => expect(store.inSync).toBe(true))
    expect(store.selected).toEqual(['A2'])
  })

  it('drops a pending pick that someone else got first', async () => {
    const store = await loaded()
    store.selected = ['A2'] // picked, hold not yet confirmed
    store.applyEvent({ seats: [{ seat: 'A2', status: 'booked' }] })
    expect(store.selected).toEqual([])
  })

  it('books the hold and resets', async () => {
    const store = await loaded(seatMap(hold(['A1'], 3)))
    const book = vi.spyOn(api, 'book').mockResolvedValue({ booking: { booking_id: 55 } as never })
    const booking = await store.book()
    expect(book).toHaveBeenCalledWith(3)
    expect(booking).toMatchObject({ booking_id: 55 })
    expect(store.map).toBeNull()
  })

  it('takes up the hold chosen in another window when its own hold is gone', async () => {
    const store = await loaded(seatMap(hold(['A1'], 3)))
    vi.spyOn(api, 'book').mockRejectedValue(new ApiError(404, 'not_found', 'Hold was not found.'))
    vi.spyOn(api, 'seats').mockResolvedValue(seatMap(hold(['B2', 'B3'], 4)))
    expect(await store.book()).toBeNull()
    expect(store.hold?.hold_id).toBe(4)
    expect(store.selected).toEqual(['B2', 'B3'])
    expect(useNoticesStore().items.at(-1)?.text).toMatch(/another window/)
  })

  it('fills the selection from the suggest endpoint', async () => {
    const store = await loaded()
    vi.spyOn(api, 'suggest').mockResolvedValue({ seats: ['B2', 'B3'] })
    vi.spyOn(api, 'hold').mockImplementation(async (_id, seats) => hold(seats))
    await store.suggest(2)
    expect(store.selected).toEqual(['B2', 'B3'])
    expect(store.inSync).toBe(true)
  })
})

describe('a hold that ended before it was booked here', () => {
  const expired = () => new ApiError(409, 'hold_expired', 'Your hold has expired; please choose your seats again.')
  /** The map as the server has it now: `booked` are booked by this person. */
  function mapNow(booked: string[], current: SeatMapResponse['hold'] = null) {
    const map = seatMap(current)
    for (const label of booked) Object.assign(map.seats.find((s) => s.seat === label)!, { status: 'booked', mine: true })
    return map
  }
  const texts = () => useNoticesStore().items.map((n) => n.text)

  it('on hold_expired says the hold expired when its seats are free again, and refreshes the map', async () => {
    const store = await loaded(seatMap(hold(['A1', 'A2'], 3)))
    vi.spyOn(api, 'book').mockRejectedValue(expired())
    const seats = vi.spyOn(api, 'seats').mockResolvedValue(mapNow([]))
    expect(await store.book()).toBeNull()
    expect(seats).toHaveBeenCalledTimes(2) // the load, then after the 409
    expect(store.hold).toBeNull()
    expect(store.selected).toEqual([])
    expect(store.bookedElsewhere).toEqual([])
    expect(texts()).toEqual(['Your hold has expired; please choose your seats again.'])
  })

  it('on hold_expired says the seats are booked when this person booked the hold in another window', async () => {
    const store = await loaded(seatMap(hold(['A1', 'A2'], 3)))
    vi.spyOn(api, 'book').mockRejectedValue(expired())
    vi.spyOn(api, 'seats').mockResolvedValue(mapNow(['A1', 'A2', 'B4']))
    expect(await store.book()).toBeNull()
    expect(store.hold).toBeNull()
    expect(store.selected).toEqual([])
    expect(store.bookedElsewhere).toEqual(['A1', 'A2'])
    expect(texts()).toEqual(['You have booked these seats already, in another window.'])
  })

  it('on hold_expired says the hold expired when a newer selection replaced it and booked only part of it', async () => {
    const store = await loaded(seatMap(hold(['A1', 'A2'], 3)))
    vi.spyOn(api, 'book').mockRejectedValue(expired())
    vi.spyOn(api, 'seats').mockResolvedValue(mapNow(['A1'], hold(['B1'], 4)))
    expect(await store.book()).toBeNull()
    expect(store.hold?.hold_id).toBe(4) // the newer hold is taken up
    expect(store.bookedElsewhere).toEqual([])
    expect(texts()).toEqual(['Your hold has expired; please choose your seats again.'])
  })

  it('when the countdown runs out, says the seats are booked if they were booked in another window', async () => {
    const store = await loaded(seatMap(hold(['B2'], 3)))
    vi.spyOn(api, 'seats').mockResolvedValue(mapNow(['B2']))
    store.expire()
    await vi.waitFor(() => expect(store.bookedElsewhere).toEqual(['B2']))
    expect(texts()).toEqual(['You have booked these seats already, in another window.'])
  })

  it('when the countdown runs out, says the hold expired otherwise', async () => {
    const store = await loaded(seatMap(hold(['B2'], 3)))
    const seats = vi.spyOn(api, 'seats').mockResolvedValue(mapNow([]))
    store.expire()
    expect(store.selected).toEqual([])
    await vi.waitFor(() => expect(texts()).toEqual(['Your seat hold expired. Please pick your seats again.']))
    expect(seats).toHaveBeenCalledTimes(2)
    expect(store.bookedElsewhere).toEqual([])
  })

  it('forgets the seats booked elsewhere when the flow starts over', async () => {
    const store = await loaded(seatMap(hold(['A1'], 3)))
    vi.spyOn(api, 'book').mockRejectedValue(expired())
    vi.spyOn(api, 'seats').mockResolvedValue(mapNow(['A1']))
    await store.book()
    expect(store.bookedElsewhere).toEqual(['A1'])
    store.abandon()
    expect(store.bookedElsewhere).toEqual([])
  })
})

describe('leaving the flow', () => {
  it('releases the hold and forgets the selection', async () => {
    vi.spyOn(api, 'seats').mockResolvedValue(seatMap(hold(['A1'], 12)))
    const store = useSeatsStore()
    await store.load(7)
    const release = vi.spyOn(api, 'releaseHold').mockResolvedValue({})
    store.abandon()
    expect(release).toHaveBeenCalledWith(12)
    expect(store.selected).toEqual([])
    expect(store.hold).toBeNull()
  })
})
