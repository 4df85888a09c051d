import type { Directive } from 'vue'

/**
 * `v-stack-table`: the table roles written out on a stacked table (stackedTable.css). On a
 * phone its rows and cells are `display: block`, and Safari and Firefox then drop a table's
 * semantics, so a screen reader would read loose lines with no columns to move along. Roles
 * set in ARIA hold whatever the CSS does. Set again after each update, for rows added since.
 */
const ROLES: Record<string, string> = {
  THEAD: 'rowgroup',
  TBODY: 'rowgroup',
  TFOOT: 'rowgroup',
  TR: 'row',
  TD: 'cell',
}

function roleOf(el: Element): string | undefined {
  if (el.tagName === 'TH') return el.getAttribute('scope') === 'row' ? 'rowheader' : 'columnheader'
  return ROLES[el.tagName]
}

function setRoles(table: HTMLTableElement): void {
  table.setAttribute('role', 'table')
  for (const el of table.querySelectorAll('thead, tbody, tfoot, tr, th, td')) {
    const role = roleOf(el)
    if (role && el.getAttribute('role') !== role) el.setAttribute('role', role)
  }
}

export const vStackTable: Directive<HTMLTableElement> = { mounted: setRoles, updated: setRoles }
