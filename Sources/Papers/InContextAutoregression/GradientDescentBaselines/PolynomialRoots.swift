import ComplexModule
import RealModule

/// Roots of a small monic polynomial x^n + c_1 x^{n−1} + … + c_n by the Durand–Kerner (Weierstrass) iteration.
///
/// A note on the method: n ≤ 3 here (the step sizes of a few gradient steps); Durand–Kerner converges for simple
/// roots from the standard starting points (0.4 + 0.9i)^k scaled to the roots' magnitude, needs no eigenvalue
/// solver, and 500 iterations are far more than it needs at this size.
enum PolynomialRoots {
    /// `coefficients` = [c_1, …, c_n].
    static func monic(coefficients: [Double]) -> [Complex<Double>] {
        let n = coefficients.count
        guard n > 0 else { return [] }
        func value(_ x: Complex<Double>) -> Complex<Double> {
            var result = Complex(1, 0)
            for c in coefficients { result = result * x + Complex(c, 0) }
            return result
        }
        // Cauchy's bound on the roots' magnitude sets the scale of the starting points.
        let bound = 1 + (coefficients.map { abs($0) }.max() ?? 0)
        let seed = Complex(0.4, 0.9)
        var roots: [Complex<Double>] = []
        var power = Complex(bound / 2, 0)
        for _ in 0..<n {
            power = power * seed
            roots.append(power)
        }
        for _ in 0..<500 {
            for i in 0..<n {
                var denominator = Complex(1, 0)
                for j in 0..<n where j != i { denominator = denominator * (roots[i] - roots[j]) }
                roots[i] = roots[i] - value(roots[i]) / denominator
            }
        }
        return roots
    }
}
