// Reading the value configuration file (`--config loyals.value.json`) and turning the generator's
// costs.json into one, so the demo company is valued with the cost rates it was generated with.
import { type OpsConfig, parseOpsConfig } from '../core/ops/config.ts'
import { parseValueConfig, type ValueConfig, type ValueConfigInput } from '../core/value/config.ts'
import { loadJsonConfig } from './json-file.ts'

export interface LoadedValueConfig {
  readonly config: ValueConfig
  /** The file named a currency code (it then wins over the orders' currency). */
  readonly currencyExplicit: boolean
  /** The file read, named by errors about its content found later (a currency the orders lack). */
  readonly configSource?: string
}

/**
 * Read and validate a value configuration file (JSON; every key optional, docs/value.md); no file
 * is every default.
 * @example const { config } = await loadValueConfig('loyals.value.json')
 * @throws UsageError naming the file: missing, not JSON, or every `path: reason` problem.
 */
export async function loadValueConfig(file?: string): Promise<LoadedValueConfig> {
  if (file === undefined) return { config: parseValueConfig({}), currencyExplicit: false }
  let code: unknown
  const config = await loadJsonConfig(
    file,
    'value configuration',
    (json) => {
      code = (json as { currency?: { code?: unknown } } | null)?.currency?.code
      return parseValueConfig(json)
    },
    `${file}: invalid value configuration`,
  )
  return { config, currencyExplicit: code !== undefined, configSource: file }
}

/**
 * Read and validate an operations configuration file (loyals.ops.json, docs/operations.md); no
 * file is every default.
 * @throws UsageError naming the file: missing, not JSON, or each problem at its line.
 */
export async function loadOpsConfig(file?: string, value?: LoadedValueConfig): Promise<OpsConfig> {
  // with `value` (the value configuration read first), the tier names it mentions are checked
  // against its tiers, and an unknown one is placed in the file (file:line) as every other problem
  const tiers = value?.config.tiers.levels.map((l) => l.name)
  const parse = (json: unknown): OpsConfig => parseOpsConfig(json, tiers)
  if (file === undefined) return parse({})
  return loadJsonConfig(
    file,
    'operations configuration',
    parse,
    `${file}: invalid operations configuration`,
  )
}

/** The generator's costs.json (docs/generator.md). */
export interface GeneratorCosts {
  readonly currency?: string
  readonly ticket_minute?: number
  readonly per_return?: number
  readonly shipping_per_order?: number
  readonly payment_fee_rate?: number
  readonly payment_fee_fixed?: number
  readonly discounts_are_cost?: boolean
}

/**
 * A value configuration input from the generator's cost rates; other keys keep their defaults.
 * @example valueConfigFromCosts({ ticket_minute: 0.8 }).costs // { perTicketMinute: 0.8 }
 */
export function valueConfigFromCosts(c: GeneratorCosts): ValueConfigInput {
  return {
    ...(c.currency ? { currency: { code: c.currency } } : {}),
    costs: {
      ...(c.ticket_minute !== undefined ? { perTicketMinute: c.ticket_minute } : {}),
      ...(c.per_return !== undefined ? { perReturn: c.per_return } : {}),
      ...(c.shipping_per_order !== undefined ? { shippingPerOrder: c.shipping_per_order } : {}),
      ...(c.payment_fee_rate !== undefined ? { paymentFeeRate: c.payment_fee_rate } : {}),
      ...(c.payment_fee_fixed !== undefined ? { paymentFeeFixed: c.payment_fee_fixed } : {}),
      ...(c.discounts_are_cost !== undefined ? { discountAsCost: c.discounts_are_cost } : {}),
    },
  }
}
