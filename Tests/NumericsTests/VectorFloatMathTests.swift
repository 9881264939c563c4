import Foundation
import Testing
@testable import NumericCore

/// The vectorised Float tanh against tanh in Double, over a dense grid and the places it switches method.
@Suite struct VectorFloatMathTests {
    @Test func tanhIsWithinFourTenthsOfAMillionthOfTheDoubleValue() {
        // Dense on [−12, 12], the switch at |x| = 1/4 from both sides, tiny and huge inputs, and a tail of 5 lanes.
        var inputs: [Float] = stride(from: -12.0, through: 12.0, by: 1.0 / 4096).map { Float($0) }
        inputs += [0.25, 0.2499999, 0.2500001, -0.25, 1e-30, -1e-30, 0, 1e-8, 50, -50, 100, -100, 1e30, -1e30]
        inputs += [0.1, 0.7, 3, -9, 20]
        var outputs = [Float](repeating: .nan, count: inputs.count)
        VectorFloatMath.tanh(inputs, count: inputs.count, into: &outputs)
        var worst = 0.0, worstAt: Float = 0
        for (x, y) in zip(inputs, outputs) {
            let error = abs(Double(y) - Foundation.tanh(Double(x)))
            if error > worst { worst = error; worstAt = x }
        }
        #expect(worst < 4e-7, "largest error \(worst) at x = \(worstAt)")
        // Odd, bounded, and exactly ±1 far out.
        #expect(outputs.allSatisfy { abs($0) <= 1 })
        var negated = [Float](repeating: 0, count: inputs.count)
        VectorFloatMath.tanh(inputs.map { -$0 }, count: inputs.count, into: &negated)
        #expect(zip(outputs, negated).allSatisfy { $0 == -$1 })
        #expect(outputs[inputs.firstIndex(of: 100)!] == 1)
    }

    @Test func inPlaceGivesTheSameValues() {
        var values: [Float] = (0..<37).map { Float($0) * 0.37 - 6 }
        var copy = [Float](repeating: 0, count: values.count)
        VectorFloatMath.tanh(values, count: values.count, into: &copy)
        values.withUnsafeMutableBufferPointer { VectorFloatMath.tanh($0.baseAddress!, count: $0.count, into: $0.baseAddress!) }
        #expect(values == copy)
    }
}
