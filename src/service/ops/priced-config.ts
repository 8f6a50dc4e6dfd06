// The value configuration a store scores with: without a currency of its own, the configuration
// prices in the stored orders' one currency, as `loyals customer` and `analyze` do (docs/value.md),
// not in the default's dollars. The server, and `loyals refit` and `loyals tick` without one, score
// alike: a refit from the CLI wrote "$171" into the reasons of a store of euros.
import type { ValueConfig } from '../../core/value/config.ts'
import type { Engine } from '../../data/engine.ts'
import { orderCurrencies } from '../../data/queries/order-currencies.ts'

/** The one currency the stored orders name, or null for none (or several, refused elsewhere). */
async function ordersCurrency(engine: Engine): Promise<string | null> {
  const rows = await engine.query<{ currency: string }>(orderCurrencies(engine.dialect))
  return rows.length === 1 ? (rows[0]?.currency ?? null) : null
}

/**
 * A loaded value configuration (loadValueConfig's answer, read once before the store is opened,
 * so that a bad file is told first) priced in the orders' currency when it names none.
 * `currency` is the configuration's own code, or null when it named none.
 */
export async function priceInOrdersCurrency(
  engine: Engine,
  loaded: { readonly config: ValueConfig; readonly currencyExplicit: boolean },
): Promise<{ value: ValueConfig; currency: string | null }> {
  const { config, currencyExplicit } = loaded
  if (currencyExplicit) return { value: config, currency: config.currency.code }
  const code = await ordersCurrency(engine)
  return { value: { ...config, currency: { ...config.currency, code } }, currency: null }
}
