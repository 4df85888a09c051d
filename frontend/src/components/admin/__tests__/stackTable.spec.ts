import { render } from '@testing-library/vue'
import { describe, expect, it } from 'vitest'
import { defineComponent, nextTick, ref } from 'vue'
import { vStackTable } from '@/components/admin/stackTable'

const rows = ref(['Chennai'])
const Table = defineComponent({
  directives: { StackTable: vStackTable },
  setup: () => ({ rows }),
  template: `
    <table v-stack-table class="stack-table">
      <thead><tr><th scope="col">Name</th><th scope="col">City</th></tr></thead>
      <tbody><tr v-for="city in rows" :key="city"><th scope="row">Hall</th><td data-label="City">{{ city }}</td></tr></tbody>
    </table>`,
})

const roles = (selector: string) => [...document.querySelectorAll(selector)].map((el) => el.getAttribute('role'))

describe('v-stack-table', () => {
  it('writes out the table roles, which a table laid out as blocks loses, also on rows added later', async () => {
    rows.value = ['Chennai']
    render(Table)
    expect(roles('table')).toEqual(['table'])
    expect(roles('thead, tbody')).toEqual(['rowgroup', 'rowgroup'])
    expect(roles('thead th')).toEqual(['columnheader', 'columnheader'])
    expect(roles('tbody th')).toEqual(['rowheader'])
    expect(roles('tbody td')).toEqual(['cell'])

    rows.value = ['Chennai', 'Delhi']
    await nextTick()
    expect(roles('tr')).toEqual(['row', 'row', 'row'])
    expect(roles('tbody td')).toEqual(['cell', 'cell'])
  })
})
