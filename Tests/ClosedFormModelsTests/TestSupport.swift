import ClosedFormModels
import NumericCore

/// A matrix of scale·N(0, 1) entries.
func gaussianMatrix(_ rows: Int, _ columns: Int, scale: Double, _ generator: inout SeededGenerator) -> Matrix {
    var m = Matrix(rows: rows, columns: columns)
    for index in m.elements.indices { m.elements[index] = scale * generator.nextGaussian() }
    return m
}

/// A random (C, P) near the theory's minimiser (so every term of the loss matters, and the loss is moderate):
/// C = c0·S + 0.2·N with S = I (unitary) or blockdiag([[1,1],[1,1]]) (rotations); P = 0.2·N + 1/c0 on the first
/// super-diagonal (and −1/(2c0) on the diagonal for rotations).
func randomProductAndWeights(dimension d: Int, contextLength T: Int, rotations: Bool,
                             _ generator: inout SeededGenerator) -> (product: Matrix, positionalWeights: Matrix) {
    let c0 = 1.2
    var c = gaussianMatrix(d, d, scale: 0.2, &generator)
    for i in 0..<d {
        for j in 0..<d where rotations ? i / 2 == j / 2 : i == j { c[i, j] += c0 }
    }
    var p = gaussianMatrix(T, T, scale: 0.2, &generator)
    for t in 0..<(T - 1) {
        p[t, t + 1] += 1 / c0
        if rotations { p[t, t] -= 0.5 / c0 }
    }
    return (c, p)
}

/// The theory's zero-loss parameters for rotations with H = d − 2 heads ≥ d/2: head h < d/2 carries block h,
/// A_h = e_{2h} + e_{2h+1}, B_h = c·(e_{2h} + e_{2h+1}), so BᵀA = c·blockdiag([[1,1],[1,1]]); the other heads are 0.
func rotationMinimiser(dimension d: Int, heads: Int, contextLength T: Int, scale c: Double)
    -> DiagonalMultiHeadParameters {
    var a = Matrix(rows: heads, columns: d), b = Matrix(rows: heads, columns: d)
    for h in 0..<(d / 2) {
        a[h, 2 * h] = 1; a[h, 2 * h + 1] = 1
        b[h, 2 * h] = c; b[h, 2 * h + 1] = c
    }
    var p = Matrix(rows: T, columns: T)
    for t in 0..<(T - 1) {
        p[t, t + 1] = 1 / c
        p[t, t] = -1 / (2 * c)
    }
    return DiagonalMultiHeadParameters(a: a, b: b, positionalWeights: p)
}
