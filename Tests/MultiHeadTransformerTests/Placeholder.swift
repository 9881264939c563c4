import Testing
@testable import MultiHeadTransformer
