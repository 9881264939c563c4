import Testing
@testable import TokenEmbeddings
