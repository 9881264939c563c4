#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A complex number, just enough arithmetic for the scalar `phase` sequences of Fig. 6.
public struct ComplexValue: Equatable, Sendable {
    public var real: Double
    public var imaginary: Double

    public init(real: Double, imaginary: Double = 0) {
        self.real = real
        self.imaginary = imaginary
    }

    /// e^{iφ}
    public init(phase: Double) {
        self.init(real: cos(phase), imaginary: sin(phase))
    }

    public var conjugate: ComplexValue { ComplexValue(real: real, imaginary: -imaginary) }

    /// |z|²
    public var magnitudeSquared: Double { real * real + imaginary * imaginary }

    public static func + (lhs: ComplexValue, rhs: ComplexValue) -> ComplexValue {
        ComplexValue(real: lhs.real + rhs.real, imaginary: lhs.imaginary + rhs.imaginary)
    }

    public static func - (lhs: ComplexValue, rhs: ComplexValue) -> ComplexValue {
        ComplexValue(real: lhs.real - rhs.real, imaginary: lhs.imaginary - rhs.imaginary)
    }

    public static func * (lhs: ComplexValue, rhs: ComplexValue) -> ComplexValue {
        ComplexValue(real: lhs.real * rhs.real - lhs.imaginary * rhs.imaginary,
                     imaginary: lhs.real * rhs.imaginary + lhs.imaginary * rhs.real)
    }

    public static func * (scale: Double, value: ComplexValue) -> ComplexValue {
        ComplexValue(real: scale * value.real, imaginary: scale * value.imaginary)
    }
}
