/// The exact population loss of PAPER.md §2: W = diag(λ), λ_k = e^{iθ_k}, θ_k ~ U[0, 2π), s_t = λ^t (complex).
///
///   L_t = ||p||²·||C||_F² + p_q²·(||C·1||² − ||C||_F²) − 2·tr(C)·p_{q+1} + d
///
/// A note on the reference variant: the authors' `unitary.py` computes L_t + p_q²·||C||_F², counting the t' = q term
/// of the quadratic part twice. Both have the same minimisers (C = c·I, p_{t,t+1} = 1/c, other p = 0, where both
/// vanish); `.exact` is the expectation of the model (checked against Monte Carlo), `.reference` reproduces the
/// authors' training trajectories.
public struct UnitaryPopulationLoss: PopulationLoss {
    public enum Variant: String, Sendable, CaseIterable {
        case exact
        case reference
    }

    public let dimension: Int
    public let contextLength: Int
    public let variant: Variant

    public init(dimension: Int = 10, contextLength: Int = 20, variant: Variant = .exact) {
        precondition(dimension > 0 && contextLength >= 2, "need d ≥ 1 and T ≥ 2")
        self.dimension = dimension
        self.contextLength = contextLength
        self.variant = variant
    }

    public func evaluate(product c: UnsafePointer<Double>, positionalWeights p: UnsafePointer<Double>,
                         productGradient: UnsafeMutablePointer<Double>?,
                         positionalGradient: UnsafeMutablePointer<Double>?) -> Double {
        let d = dimension, T = contextLength
        let countsQueryTwice = variant == .reference

        // Invariants of C: ||C||_F², ||C·1||², tr(C).
        var frobenius = 0.0, rowSums = 0.0, trace = 0.0
        for i in 0..<d {
            var rowSum = 0.0
            for j in 0..<d {
                let x = c[i * d + j]
                frobenius += x * x
                rowSum += x
            }
            rowSums += rowSum * rowSum
            trace += c[i * d + i]
        }

        if let gp = positionalGradient { gp.update(repeating: 0, count: T * T) }
        // Σ_t of ∂L_t/∂||C||_F², ∂L_t/∂||C·1||², ∂L_t/∂tr(C), for the gradient in C.
        var frobeniusWeight = 0.0, rowSumWeight = 0.0, traceWeight = 0.0
        var total = 0.0
        for t in 0..<(T - 1) {
            let row = p + t * T, q = t
            let pq = row[q], next = row[q + 1]
            var normSquared = 0.0
            for k in 0...(q + 1) { normSquared += row[k] * row[k] }
            // L_t = (||p||² − p_q²)·||C||_F² + p_q²·||C·1||² − 2·tr(C)·p_{q+1} + d   (+ p_q²·||C||_F² reference)
            let othersWeight = normSquared - pq * pq
            let queryFrobenius = countsQueryTwice ? pq * pq : 0
            total += (othersWeight + queryFrobenius) * frobenius + pq * pq * rowSums - 2 * trace * next + Double(d)
            frobeniusWeight += othersWeight + queryFrobenius
            rowSumWeight += pq * pq
            traceWeight -= 2 * next

            if let gp = positionalGradient {
                let gradientRow = gp + t * T
                // ∂L_t/∂p_k = 2·p_k·||C||_F² (k ≠ q);  ∂L_t/∂p_q = 2·p_q·(||C·1||² [+ ||C||_F²]);  −2·tr(C) at q+1
                for k in 0...(q + 1) { gradientRow[k] = 2 * row[k] * frobenius }
                gradientRow[q] = 2 * pq * (rowSums + (countsQueryTwice ? frobenius : 0))
                gradientRow[q + 1] -= 2 * trace
            }
        }

        if let gc = productGradient {
            // ∂||C||_F²/∂C = 2C,  ∂||C·1||²/∂C_ij = 2·rowsum_i(C),  ∂tr(C)/∂C = I
            for i in 0..<d {
                var rowSum = 0.0
                for j in 0..<d { rowSum += c[i * d + j] }
                for j in 0..<d {
                    gc[i * d + j] = 2 * frobeniusWeight * c[i * d + j] + 2 * rowSumWeight * rowSum
                }
                gc[i * d + i] += traceWeight
            }
        }
        return total
    }
}
