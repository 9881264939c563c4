import NumericCore

/// What the verify stage and Fig. 7 read from a trained §6 model, all in Float64.
public struct MultiHeadAnalysis: Sendable {
    /// M_h = (Q_h J)ᵀ (K_h J)/√(2d) ∈ R^{d×d}, J = [I_d; I_d]: the token score without biases, τ = s_tᵀ M_h s_k.
    public let queryKeyMaps: [Matrix]
    /// N_h = C diag(γ) (I − 𝟙𝟙ᵀ/2d) W_O V_h J ∈ R^{d×d}: the head's value path s_k ↦ prediction, through the
    /// readout linearised at LayerNorm (centring and γ kept, the positive per-token factor 1/σ_t dropped).
    public let valueOutputMaps: [Matrix]
    /// O_{hh'} = ⟨M_h, N_{h'}⟩_F (H × H, rank ≤ d² < H).
    public let headCoupling: Matrix
    /// Eigenvalues of O (dgeev), sorted by decreasing modulus.
    public let couplingEigenvaluesReal: [Double]
    public let couplingEigenvaluesImaginary: [Double]
    /// Eigenvalues of (O + Oᵀ)/2, decreasing.
    public let symmetrisedCouplingEigenvalues: [Double]
    /// ρ^h (T × T, zero above the diagonal), one per head.
    public let positionalWeights: [Matrix]
    /// offsetMass[h, δ] = (1/T) Σ_{t ≥ δ} ρ^h_{t, t−δ}: the share of head h's positional weight at offset t − k = δ
    /// (each row sums to 1).
    public let offsetMass: Matrix
    /// argmax_δ offsetMass[h, δ] and that mass, per head.
    public let dominantOffsets: [Int]
    public let dominantOffsetMasses: [Double]

    public init<Scalar: MultiHeadScalar>(parameters: MultiHeadParameters<Scalar>) throws {
        let p = parameters.converted(to: Double.self)
        let configuration = p.configuration
        let d = configuration.dimension, w = configuration.width, heads = configuration.headCount
        let t = configuration.positionCount

        // J = [I_d; I_d]: x = (s, s) = J s.
        var duplication = Matrix(rows: w, columns: d)
        for i in 0..<d { duplication[i, i] = 1; duplication[i + d, i] = 1 }
        func headBlock(_ weight: [Double], _ head: Int) -> Matrix {
            Matrix(rows: w, columns: w, elements: Array(weight[(head * w * w)..<((head + 1) * w * w)]))
        }
        // C diag(γ) (I − 𝟙𝟙ᵀ/2d) W_O: the readout seen from the attention sum, shared by all heads.
        var centring = Matrix.identity(w)
        for i in 0..<w { for j in 0..<w { centring[i, j] -= 1 / Double(w) } }
        var scaledReadout = Matrix(rows: d, columns: w, elements: p.readoutWeight)
        for i in 0..<d { for j in 0..<w { scaledReadout[i, j] *= p.normScale[j] } }
        let readout = scaledReadout * centring * Matrix(rows: w, columns: w, elements: p.outputWeight)

        var queryKeyMaps: [Matrix] = [], valueOutputMaps: [Matrix] = []
        for head in 0..<heads {
            let query = headBlock(p.queryWeight, head) * duplication
            let key = headBlock(p.keyWeight, head) * duplication
            queryKeyMaps.append((1 / Double(w).squareRoot()) * query.multiplied(by: key, transposeSelf: true))
            valueOutputMaps.append(readout * headBlock(p.valueWeight, head) * duplication)
        }
        self.queryKeyMaps = queryKeyMaps
        self.valueOutputMaps = valueOutputMaps

        // O = vec(M)ᵀ vec(N): (H × d²)·(d² × H).
        let flatQueryKey = Matrix(rows: heads, columns: d * d, elements: queryKeyMaps.flatMap(\.elements))
        let flatValueOutput = Matrix(rows: heads, columns: d * d, elements: valueOutputMaps.flatMap(\.elements))
        headCoupling = flatQueryKey.multiplied(by: flatValueOutput, transposeOther: true)
        let eigenvalues = try LinearAlgebra.generalEigenvalues(of: headCoupling)
        let order = (0..<heads).sorted {
            let a = eigenvalues.real[$0] * eigenvalues.real[$0] + eigenvalues.imaginary[$0] * eigenvalues.imaginary[$0]
            let b = eigenvalues.real[$1] * eigenvalues.real[$1] + eigenvalues.imaginary[$1] * eigenvalues.imaginary[$1]
            return a != b ? a > b : eigenvalues.imaginary[$0] > eigenvalues.imaginary[$1]
        }
        couplingEigenvaluesReal = order.map { eigenvalues.real[$0] }
        couplingEigenvaluesImaginary = order.map { eigenvalues.imaginary[$0] }
        let symmetrised = 0.5 * Matrix(rows: heads, columns: heads,
                                       elements: zip(headCoupling.elements, headCoupling.transposed.elements).map(+))
        symmetrisedCouplingEigenvalues = try LinearAlgebra.symmetricEigenvalues(of: symmetrised).reversed()

        // ρ^h from the network's own positional pass, so the export is exactly what the model used.
        let network = MultiHeadNetwork<Double>(configuration: configuration, batchCapacity: 1)
        network.load(p)
        network.positionalWeightsForward()
        positionalWeights = (0..<heads).map { head in
            Matrix(rows: t, columns: t,
                   elements: Array(UnsafeBufferPointer(start: network.positionalWeights + head * t * t, count: t * t)))
        }
        var offsetMass = Matrix(rows: heads, columns: t)
        for head in 0..<heads {
            for row in 0..<t { for key in 0...row { offsetMass[head, row - key] += positionalWeights[head][row, key] / Double(t) } }
        }
        self.offsetMass = offsetMass
        let dominant = (0..<heads).map { head in (0..<t).max { offsetMass[head, $0] < offsetMass[head, $1] }! }
        dominantOffsets = dominant
        dominantOffsetMasses = (0..<heads).map { offsetMass[$0, dominant[$0]] }
    }
}
