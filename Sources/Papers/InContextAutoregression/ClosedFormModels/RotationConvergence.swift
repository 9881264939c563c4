import NumericCore

/// Whether gradient descent on the rotation loss (PAPER.md §3) ended at the zero-loss structure
/// C = c·blockdiag([[1,1],[1,1]]), p_{t,t+1} = 1/c, p_{t,t} = −1/(2c), judged by that structure's sign pattern:
/// every partner entry C_{i,π(i)} has the sign of c = tr(C)/d, every newest-token weight p_{t,t+1} has the sign of
/// c (c·p_{t,t+1} = 1), and every ratio p_{t,t}/p_{t,t+1} is negative (−1/2, the Chebyshev relation).
///
/// A note on the criterion: it has no threshold. The runs that stall (PAPER.md: "oscillates at loss ≈ 1.7 with
/// wrong-sign partner entries") end with C_{i,π(i)}/c ≈ −0.87 and ratios ≈ +3.9, the opposite signs; the runs that
/// converge slowly end, after 100k iterations at lr 1e-3, at loss ≈ 5e-6 and ‖C/c − J‖_F ≈ 3e-3, outside the 1e-3
/// structure tolerance of the theory table and the 1e-6 loss tolerance, but with every sign of the minimiser. A
/// tolerance on the loss or on the structure would put them on one side or the other by the choice of number.
public func hasReachedRotationStructure(_ parameters: DiagonalMultiHeadParameters) -> Bool {
    let c = parameters.product
    let d = c.rows
    let scale = c.trace / Double(d)
    guard scale.isFinite, scale != 0 else { return false }
    let partnersAgree = (0..<d).allSatisfy { i in scale * c[i, RotationPopulationLoss.partner(i)] > 0 }
    let p = parameters.positionalWeights
    let rows = 0..<(p.rows - 1)
    let newestAgree = rows.allSatisfy { t in scale * p[t, t + 1] > 0 }
    let ratiosNegative = rows.allSatisfy { t in p[t, t] * p[t, t + 1] < 0 }
    return partnersAgree && newestAgree && ratiosNegative
}
