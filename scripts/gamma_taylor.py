# Taylor coefficients of log Γ(2+z) and ψ(2+z) about z = 0 for src/core/gamma-fns.ts, correctly
# rounded to doubles (mpmath, 50 digits). Run: python3 scripts/gamma_taylor.py
#   log Γ(2+z) = (1-γ) z + Σ_{k>=2} (-1)^k (ζ(k)-1)/k z^k
#   ψ(2+z)     = (1-γ)   + Σ_{k>=2} (-1)^k (ζ(k)-1) z^(k-1)
from mpmath import mp, euler, zeta

mp.dps = 50
LG_TERMS = 28
PSI_TERMS = 34


def coef(k):
    return 1 - euler if k == 1 else (-1) ** k * (zeta(k) - 1)


lg = [float(coef(k) / k) for k in range(1, LG_TERMS + 1)]
psi = [float(coef(k)) for k in range(1, PSI_TERMS + 1)]
print("// log Γ(2+z): the coefficient of z^1, z^2, ...")
print("const LGAMMA_2 = [" + ", ".join(repr(c) for c in lg) + "]")
print("// ψ(2+z): the coefficient of z^0, z^1, ...")
print("const DIGAMMA_2 = [" + ", ".join(repr(c) for c in psi) + "]")
