// Place columns named in the languages whose other columns are read: a German orders file's
// Stadt went unread ("1 column not read: Stadt") while its Kunde, Datum and Umsatz were read, and
// a customers file's Cidade (Portuguese) or Woonplaats (Dutch) likewise.
import { describe, expect, it } from 'vitest'
import { importFile } from '../../src/service/import/import-file.ts'
import { freshWorkspace, write } from './helpers.ts'

const now = new Date('2024-03-01T00:00:00Z')

describe('place columns named in German, French, Spanish, Portuguese, Italian and Dutch', () => {
  it("give the customer the place of an orders file's rows", async () => {
    const { engine, dir } = await freshWorkspace()
    try {
      const files: [string, string][] = [
        ['de.csv', 'Kunde,Datum,Umsatz,Stadt,Bundesland,Land\nK1,2024-01-02,10,Berlin,Berlin,DE\n'],
        ['fr.csv', 'Client,Date,Montant,Ville,Departement,Pays\nK2,2024-01-02,10,Lyon,Rhone,FR\n'],
        ['pt.csv', 'Cliente,Date,Valor,Cidade,Provincia,País\nK3,2024-01-02,10,Porto,Norte,PT\n'],
        ['nl.csv', 'Klant,Datum,Bedrag,Woonplaats,Provincie,Land\nK4,2024-01-02,10,Gouda,ZH,NL\n'],
        [
          'it.csv',
          'Cliente,Data ordine,Totale,Città,Regione,Paese\nK5,2024-01-02,10,Roma,Lazio,IT\n',
        ],
        [
          'es.csv',
          'Cliente,Fecha,Importe,Ciudad,Provincia,País\nK6,2024-01-02,10,Vigo,Pontevedra,ES\n',
        ],
      ]
      for (const [name, content] of files) {
        const r = await importFile(engine, write(dir, name, content), { kind: 'orders', now })
        expect(r.unusedColumns, name).toEqual([])
      }
      const places = await engine.query<{
        c: string
        city: string
        region: string
        country: string
      }>('SELECT customer_id AS c, city, region, country FROM customers ORDER BY c')
      expect(places.map((p) => [p.c, p.city, p.region, p.country])).toEqual([
        ['K1', 'Berlin', 'Berlin', 'DE'],
        ['K2', 'Lyon', 'Rhone', 'FR'],
        ['K3', 'Porto', 'Norte', 'PT'],
        ['K4', 'Gouda', 'ZH', 'NL'],
        ['K5', 'Roma', 'Lazio', 'IT'],
        ['K6', 'Vigo', 'Pontevedra', 'ES'],
      ])
    } finally {
      await engine.close()
    }
  })

  it("are a customers file's place", async () => {
    const { engine, dir } = await freshWorkspace()
    try {
      const file = write(dir, 'c.csv', 'customer_id,Cidade,Regione\nA,Lisboa,Lisboa\n')
      const r = await importFile(engine, file, { kind: 'customers', now })
      expect(r.unusedColumns).toEqual([])
      const [c] = await engine.query<{ city: string; region: string }>(
        'SELECT city, region FROM customers',
      )
      expect(c).toEqual({ city: 'Lisboa', region: 'Lisboa' })
    } finally {
      await engine.close()
    }
  })
})
