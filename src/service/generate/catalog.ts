// The synthetic company's product catalog and geography: fixed lists (names, categories, regions)
// with seeded prices, so every run has the same shape and the planted categories always exist.
import type { Rng } from '../../core/random.ts'

export interface Category {
  readonly name: string
  /** Typical unit price in the company currency. */
  readonly price: number
  /** Share of basket lines that fall into this category (relative weight). */
  readonly weight: number
  /** Unit cost as a share of the list price. */
  readonly costRatio: number
  /** One item of the category, for product names. */
  readonly item: string
}

/** 15 categories; "Sunglasses" and "Lenses" are the pair of the path-to-best plant. */
export const CATEGORIES: readonly Category[] = [
  { name: 'Sunglasses', price: 120, weight: 11, costRatio: 0.42, item: 'Sunglasses' },
  { name: 'Lenses', price: 65, weight: 8, costRatio: 0.35, item: 'Lens' },
  { name: 'Frames', price: 150, weight: 7, costRatio: 0.45, item: 'Frame' },
  { name: 'Contact Lenses', price: 35, weight: 9, costRatio: 0.55, item: 'Contact Lens' },
  { name: 'Eye Care', price: 14, weight: 8, costRatio: 0.5, item: 'Eye Care Kit' },
  { name: 'Cases', price: 22, weight: 6, costRatio: 0.3, item: 'Case' },
  { name: 'Apparel Accessories', price: 38, weight: 7, costRatio: 0.4, item: 'Accessory' },
  { name: 'Watches', price: 180, weight: 4, costRatio: 0.55, item: 'Watch' },
  { name: 'Jewelry', price: 90, weight: 4, costRatio: 0.35, item: 'Bracelet' },
  { name: 'Bags', price: 110, weight: 5, costRatio: 0.45, item: 'Bag' },
  { name: 'Hats', price: 30, weight: 6, costRatio: 0.4, item: 'Hat' },
  { name: 'Scarves', price: 35, weight: 5, costRatio: 0.4, item: 'Scarf' },
  { name: 'Shoes', price: 95, weight: 6, costRatio: 0.5, item: 'Shoe' },
  { name: 'Sportswear', price: 55, weight: 7, costRatio: 0.48, item: 'Sport Shirt' },
  { name: 'Gift Cards', price: 50, weight: 2, costRatio: 0.97, item: 'Gift Card' },
]

const BRANDS = [
  'Aurora',
  'Belvedere',
  'Cobalt',
  'Driftwood',
  'Ember',
  'Fjord',
  'Granite',
  'Halcyon',
  'Iris',
  'Juniper',
  'Kestrel',
  'Lumen',
] as const

const STYLES = [
  'Classic',
  'Sport',
  'Urban',
  'Heritage',
  'Air',
  'Coastal',
  'Studio',
  'Trail',
  'Metro',
  'Nova',
  'Vista',
  'Prime',
  'Solstice',
] as const

export interface Product {
  readonly id: string
  readonly name: string
  readonly brand: string
  readonly category: number
  /** List price in cents. */
  readonly priceCents: number
}

/**
 * 13-14 products per category (~200 in all), each with a brand and a seeded list price
 * (category price x lognormal(0, 0.35)).
 */
export function buildCatalog(rng: Rng): Product[] {
  const out: Product[] = []
  CATEGORIES.forEach((cat, c) => {
    const n = c % 3 === 0 ? 14 : 13
    for (let k = 0; k < n; k++) {
      const brand = BRANDS[(c * 5 + k * 7) % BRANDS.length] ?? 'Aurora'
      const style = STYLES[k % STYLES.length] ?? 'Classic'
      const suffix = k >= STYLES.length ? ' II' : ''
      const price = Math.max(2, cat.price * Math.exp(0.35 * rng.normal()))
      out.push({
        id: `P${String(out.length + 1).padStart(4, '0')}`,
        name: `${brand} ${style}${suffix} ${cat.item}`,
        brand,
        category: c,
        priceCents: Math.round(price * 100) - 1,
      })
    }
  })
  return out
}

export interface Region {
  readonly country: string
  readonly region: string
  readonly cities: readonly string[]
  /** Relative share of customers. */
  readonly weight: number
}

/** Where customers live; ("DE", "North") is the region of the region plant. */
export const REGIONS: readonly Region[] = [
  { country: 'DE', region: 'North', cities: ['Hamburg', 'Bremen', 'Kiel'], weight: 7 },
  { country: 'DE', region: 'South', cities: ['Munich', 'Stuttgart', 'Nuremberg'], weight: 9 },
  { country: 'DE', region: 'East', cities: ['Berlin', 'Leipzig', 'Dresden'], weight: 8 },
  { country: 'DE', region: 'West', cities: ['Cologne', 'Düsseldorf', 'Dortmund'], weight: 9 },
  { country: 'US', region: 'Northeast', cities: ['New York', 'Boston', 'Philadelphia'], weight: 6 },
  { country: 'US', region: 'South', cities: ['Atlanta', 'Dallas', 'Miami'], weight: 5 },
  { country: 'US', region: 'Midwest', cities: ['Chicago', 'Detroit', 'Minneapolis'], weight: 4 },
  { country: 'US', region: 'West', cities: ['Los Angeles', 'Seattle', 'Denver'], weight: 5 },
  { country: 'GB', region: 'England', cities: ['London', 'Manchester', 'Bristol'], weight: 10 },
  { country: 'GB', region: 'Scotland', cities: ['Edinburgh', 'Glasgow'], weight: 3 },
  { country: 'FR', region: 'Ile-de-France', cities: ['Paris', 'Versailles'], weight: 6 },
  { country: 'FR', region: 'Auvergne-Rhone-Alpes', cities: ['Lyon', 'Grenoble'], weight: 4 },
  { country: 'NL', region: 'Noord-Holland', cities: ['Amsterdam', 'Haarlem'], weight: 4 },
  { country: 'NL', region: 'Zuid-Holland', cities: ['Rotterdam', 'The Hague'], weight: 3 },
  { country: 'AT', region: 'Wien', cities: ['Vienna'], weight: 4 },
  { country: 'CH', region: 'Zurich', cities: ['Zurich', 'Winterthur'], weight: 3 },
]

export const INDUSTRIES: readonly (readonly [string, number])[] = [
  ['Consumer', 55],
  ['Healthcare', 8],
  ['Technology', 8],
  ['Education', 6],
  ['Hospitality', 6],
  ['Finance', 5],
  ['Retail', 5],
  ['Manufacturing', 4],
  ['Public sector', 3],
]

/** Acquisition channels, their weights and campaigns ('' = no campaign). */
export const CHANNELS: readonly {
  readonly name: string
  readonly weight: number
  readonly campaigns: readonly string[]
}[] = [
  { name: 'organic', weight: 30, campaigns: [''] },
  { name: 'paid_search', weight: 20, campaigns: ['brand_search', 'generic_search'] },
  { name: 'social', weight: 14, campaigns: ['summer_social', 'influencer_q4', 'retargeting'] },
  { name: 'email', weight: 8, campaigns: ['newsletter_signup', 'welcome_series'] },
  { name: 'affiliate', weight: 8, campaigns: ['coupon_sites', 'blog_partners'] },
  { name: 'marketplace', weight: 8, campaigns: [''] },
  { name: 'referral', weight: 12, campaigns: ['refer_a_friend'] },
]

export const FIRST_NAMES = [
  'Anna',
  'Ben',
  'Clara',
  'David',
  'Emma',
  'Felix',
  'Greta',
  'Hugo',
  'Ida',
  'Jonas',
  'Karla',
  'Leon',
  'Mia',
  'Noah',
  'Olivia',
  'Paul',
  'Queenie',
  'Rafael',
  'Sofia',
  'Tom',
  'Ursula',
  'Victor',
  'Wanda',
  'Xavier',
  'Yara',
  'Zoe',
  'Amir',
  'Chloe',
  'Daniel',
  'Elif',
  'Fatima',
  'George',
  'Hannah',
  'Ivan',
  'Julia',
  'Kenji',
  'Lena',
  'Marco',
  'Nina',
  'Oscar',
] as const

export const LAST_NAMES = [
  'Müller',
  'Schmidt',
  'Schneider',
  'Fischer',
  'Weber',
  'Meyer',
  'Wagner',
  'Becker',
  'Smith',
  'Johnson',
  'Brown',
  'Taylor',
  'Wilson',
  'Martin',
  'Bernard',
  'Dubois',
  'de Vries',
  'Jansen',
  'Bakker',
  'Huber',
  'Gruber',
  'Keller',
  'Rossi',
  'Garcia',
  'Novak',
  'Kowalski',
  'Nielsen',
  'Olsen',
  "O'Brien",
  'Walker',
] as const
