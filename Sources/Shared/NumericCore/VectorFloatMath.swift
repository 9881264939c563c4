/// tanh over arrays of Float, eight lanes at a time: libm's tanhf is a scalar call per element and took about a
/// quarter of ALPINE's training step inside GELU. Element by element, so the bytes do not depend on how an array is
/// split over threads; within 4e-7 of tanh computed in Double (VectorFloatMathTests).
public enum VectorFloatMath {
    typealias Lanes = SIMD8<Float>

    /// y[i] = tanh(x[i]); `y` may be `x`.
    public static func tanh(_ x: UnsafePointer<Float>, count: Int, into y: UnsafeMutablePointer<Float>) {
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: Lanes.self)
            UnsafeMutableRawPointer(y + i).storeBytes(of: tanh(v), as: Lanes.self)
            i += 8
        }
        guard i < count else { return }
        var tail = Lanes(repeating: 0)
        for lane in 0..<(count - i) { tail[lane] = x[i + lane] }
        let result = tanh(tail)
        for lane in 0..<(count - i) { y[i + lane] = result[lane] }
    }

    /// tanh |x| = (1 − e)/(1 + e) with e = exp(−2|x|), the sign put back; below |x| = 1/4, where 1 − e would lose
    /// digits, the odd Taylor series to x¹³ (its next term is below 1e-11 there).
    @inline(__always)
    static func tanh(_ x: Lanes) -> Lanes {
        let a = x.replacing(with: -x, where: x .< 0)
        let e = negativeExponential(-2 * a)
        let far = (1 - e) / (1 + e)
        let s = a * a
        var series = Lanes(repeating: 21844 / 6081075)
        series = series * s - 1382 / 155925
        series = series * s + 62 / 2835
        series = series * s - 17 / 315
        series = series * s + 2 / 15
        series = series * s - 1 / 3
        series = (series * s + 1) * a
        let magnitude = far.replacing(with: series, where: a .< 0.25)
        return magnitude.replacing(with: -magnitude, where: x .< 0)
    }

    /// exp(y) for y ≤ 0: y = k ln 2 + r with |r| ≤ ln 2 / 2, exp(r) by its Taylor series to r⁸ (relative error below
    /// 1e-8), times 2^k built in the exponent bits; 0 below −87 (where exp(y) < 2⁻¹²⁶, the smallest normal Float).
    @inline(__always)
    static func negativeExponential(_ y: Lanes) -> Lanes {
        let clamped = y.replacing(with: -87, where: y .< -87)
        // Rounded to the nearest whole number by adding and removing 1.5·2²³ (rounded() calls rintf lane by lane).
        let k = (clamped * 1.442695040888963 + 12_582_912) - 12_582_912
        // ln 2 in two parts, so k·ln 2 is subtracted without rounding away r's low digits.
        let r = clamped - k * 0.693145751953125 - k * 1.428606765330187e-06
        var p = Lanes(repeating: 1.0 / 40320)
        p = p * r + 1.0 / 5040
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        // k + 127 is a whole number in [1, 127]; added to 1.5·2²³ it sits in the low mantissa bits, whence it is
        // shifted into the exponent field (a float-to-integer conversion would not be vectorised).
        let biased = unsafeBitCast(k + (12_582_912 + 127), to: SIMD8<UInt32>.self) &- 0x4B40_0000
        let scale = unsafeBitCast(biased &<< 23, to: Lanes.self)
        return (p * scale).replacing(with: 0, where: y .< -87)
    }
}
