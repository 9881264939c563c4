/// The exact population loss of PAPER.md §3, commuting rotations W = blockdiag(R(θ_j)), written in W's complex
/// eigenbasis: λ_{2j} = e^{iθ_j}, λ_{2j+1} = e^{−iθ_j}, partner π(2j) = 2j+1, π(2j+1) = 2j. With
/// t1 = ||C·1||², t2 = ||C||_F², t3 = Σ_i rowsum_i(C)·C_{i,π(i)}, t4 = Σ_i C_{i,π(i)}²:
///
///   L_t = p_q²·t1 + (||p||² − p_q²)·t2 + 2·t3·(p_q·Σ_k p_k − p_q²) + ((Σ_{k≠q} p_k)² − Σ_{k≠q} p_k²)·t4
///         − 2·tr(C)·p_{q+1} + d
///
/// The t3 and t4 terms come from the conjugate partner: λ_{π(i)} = conj(λ_i), so products such as
/// λ_{π(i)}^{a}·λ_i^{a} have expectation 1 for every a, which a naive real-basis model does not reproduce.
public struct RotationPopulationLoss: PopulationLoss {
    public let dimension: Int
    public let contextLength: Int

    public init(dimension: Int = 10, contextLength: Int = 20) {
        precondition(dimension > 0 && dimension % 2 == 0, "rotations need an even dimension d")
        precondition(contextLength >= 2, "need T ≥ 2")
        self.dimension = dimension
        self.contextLength = contextLength
    }

    /// π(i): the index of the conjugate eigenvalue.
    @inline(__always) static func partner(_ i: Int) -> Int { i ^ 1 }

    public func evaluate(product c: UnsafePointer<Double>, positionalWeights p: UnsafePointer<Double>,
                         productGradient: UnsafeMutablePointer<Double>?,
                         positionalGradient: UnsafeMutablePointer<Double>?) -> Double {
        let d = dimension, T = contextLength

        // Invariants t1 … t4 and tr(C).
        var t1 = 0.0, t2 = 0.0, t3 = 0.0, t4 = 0.0, trace = 0.0
        for i in 0..<d {
            var rowSum = 0.0
            for j in 0..<d {
                let x = c[i * d + j]
                t2 += x * x
                rowSum += x
            }
            let partnerEntry = c[i * d + Self.partner(i)]
            t1 += rowSum * rowSum
            t3 += rowSum * partnerEntry
            t4 += partnerEntry * partnerEntry
            trace += c[i * d + i]
        }

        if let gp = positionalGradient { gp.update(repeating: 0, count: T * T) }
        // Σ_t of the coefficients of t1 … t4 and tr(C), for the gradient in C.
        var w1 = 0.0, w2 = 0.0, w3 = 0.0, w4 = 0.0, wTrace = 0.0
        var total = 0.0
        for t in 0..<(T - 1) {
            let row = p + t * T, q = t
            let pq = row[q], next = row[q + 1]
            // S' = Σ_{k≠q} p_k,  Q' = Σ_{k≠q} p_k²
            var others = 0.0, othersSquared = 0.0
            for k in 0...(q + 1) where k != q {
                others += row[k]
                othersSquared += row[k] * row[k]
            }
            // p_q·Σ_k p_k − p_q² = p_q·S'
            let a1 = pq * pq, a2 = othersSquared, a3 = 2 * pq * others, a4 = others * others - othersSquared
            total += a1 * t1 + a2 * t2 + a3 * t3 + a4 * t4 - 2 * trace * next + Double(d)
            w1 += a1; w2 += a2; w3 += a3; w4 += a4; wTrace -= 2 * next

            if let gp = positionalGradient {
                let gradientRow = gp + t * T
                // k ≠ q: ∂/∂p_k = 2·p_k·t2 + 2·p_q·t3 + (2·S' − 2·p_k)·t4
                for k in 0...(q + 1) where k != q {
                    gradientRow[k] = 2 * row[k] * t2 + 2 * pq * t3 + 2 * (others - row[k]) * t4
                }
                // ∂/∂p_q = 2·p_q·t1 + 2·S'·t3
                gradientRow[q] = 2 * pq * t1 + 2 * others * t3
                gradientRow[q + 1] -= 2 * trace
            }
        }

        if let gc = productGradient {
            // ∂t1/∂C_ij = 2·r_i,  ∂t2/∂C_ij = 2·C_ij,  ∂t3/∂C_ij = C_{i,π(i)} + r_i·[j = π(i)],
            // ∂t4/∂C_ij = 2·C_{i,π(i)}·[j = π(i)],  ∂tr(C)/∂C_ij = [i = j]
            for i in 0..<d {
                var rowSum = 0.0
                for j in 0..<d { rowSum += c[i * d + j] }
                let partner = Self.partner(i)
                let partnerEntry = c[i * d + partner]
                for j in 0..<d {
                    gc[i * d + j] = 2 * w1 * rowSum + 2 * w2 * c[i * d + j] + w3 * partnerEntry
                }
                gc[i * d + partner] += w3 * rowSum + 2 * w4 * partnerEntry
                gc[i * d + i] += wTrace
            }
        }
        return total
    }
}
