import Testing

@testable import LeptonRender

@Suite("Number format")
struct NumberFormatTests {
  @Test(
    "metric fits its width",
    arguments: [
      (0.34171, 6, "0.3417"),
      (12.5, 6, "12.500"),
      (1234.5678, 6, "1234.6"),
      (123_456.7, 6, "123457"),
      (7.47089448e32, 10, "7.471e32"),
      (7.47089448e32, 6, "7.5e32"),
      (-2.5e-9, 9, "0.0000"),
      (.nan, 6, "n/a"),
      (.infinity, 6, "inf"),
    ])
  func metricFitsWidth(value: Double, width: Int, expected: String) {
    let text = NumberFormat.metric(value, width: width)
    #expect(text == expected)
    #expect(text.count <= width)
  }

  @Test func scientificCarriesRoundingIntoExponent() {
    #expect(NumberFormat.scientific(9.99996e10, width: 8) == "1.000e11")
    #expect(NumberFormat.scientific(-1.5e-7, width: 7) == "-1.5e-7")
    #expect(NumberFormat.scientific(0, width: 4) == "0")
  }
}
