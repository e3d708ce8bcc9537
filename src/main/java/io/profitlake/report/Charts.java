package io.profitlake.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.NumberFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYPointerAnnotation;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report's charts, drawn by JFreeChart to PNG. The coordinates are doubles: they place pixels; the exact
 * figures are in each figure's table.
 */
final class Charts {
  private Charts() {}

  static final int WIDTH = 900;
  static final int HEIGHT = 480;

  static final Color PROFIT = new Color(0x2e7d32);
  static final Color LOSS = new Color(0xc62828);
  static final Color NEUTRAL = new Color(0x1565c0);
  static final Color GREY = new Color(0x9e9e9e);
  private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

  /** A point of an x-y chart. */
  record Point(double x, double y) {}

  /**
   * A cumulative curve (the whale curve): x and y in percent, the point where it peaks marked and labelled,
   * and a line at 100% (the period's total).
   */
  static byte[] curve(String title, String xLabel, String yLabel, List<Point> points, Point peak, String peakLabel,
      boolean totalLine) {
    XYSeries series = new XYSeries(yLabel, false, true);
    series.add(0.0, 0.0);
    points.forEach(p -> series.add(p.x(), p.y()));
    JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, new XYSeriesCollection(series),
        PlotOrientation.VERTICAL, false, false, false);
    XYPlot plot = chart.getXYPlot();
    style(chart);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    renderer.setSeriesPaint(0, NEUTRAL);
    renderer.setSeriesStroke(0, new BasicStroke(2.5f));
    plot.setRenderer(renderer);
    if (totalLine) {
      ValueMarker total = new ValueMarker(100.0, GREY, new BasicStroke(1.2f, BasicStroke.CAP_BUTT,
          BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
      total.setLabel("total net profit (100%)");
      total.setLabelFont(LABEL);
      total.setLabelAnchor(RectangleAnchor.BOTTOM_RIGHT);
      total.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
      plot.addRangeMarker(total);
    }
    if (peak != null) {
      XYPointerAnnotation mark = new XYPointerAnnotation(peakLabel, peak.x(), peak.y(), Math.PI * 0.25);
      mark.setFont(LABEL);
      mark.setPaint(Color.BLACK);
      mark.setArrowPaint(LOSS);
      mark.setTextAnchor(TextAnchor.TOP_LEFT);
      plot.addAnnotation(mark);
      ValueMarker peakX = new ValueMarker(peak.x(), LOSS, new BasicStroke(1f));
      plot.addDomainMarker(peakX);
    }
    ((NumberAxis) plot.getDomainAxis()).setRange(0.0, 100.0);
    return png(chart);
  }

  /**
   * Bars, one per category, each in the colour its value asks for (green above zero, red below, when
   * {@code signColours}); horizontal when there are many or long labels.
   */
  static byte[] bars(String title, String categoryLabel, String valueLabel, Map<String, Double> values,
      boolean signColours, boolean horizontal) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    values.forEach((category, value) -> data.addValue(value, valueLabel, category));
    JFreeChart chart = ChartFactory.createBarChart(title, categoryLabel, valueLabel, data,
        horizontal ? PlotOrientation.HORIZONTAL : PlotOrientation.VERTICAL, false, false, false);
    style(chart);
    CategoryPlot plot = chart.getCategoryPlot();
    List<Double> ordered = List.copyOf(values.values());
    BarRenderer renderer = new BarRenderer() {
      @Override
      public Paint getItemPaint(int row, int column) {
        return !signColours ? NEUTRAL : ordered.get(column) < 0 ? LOSS : PROFIT;
      }
    };
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setMaximumBarWidth(0.08);
    plot.setRenderer(renderer);
    plot.addRangeMarker(new ValueMarker(0.0, Color.DARK_GRAY, new BasicStroke(1f)));
    ((NumberAxis) plot.getRangeAxis()).setNumberFormatOverride(NumberFormat.getIntegerInstance(Locale.ROOT));
    return png(chart);
  }

  /**
   * Stacked bars: per category, one segment per series (e.g. a pool's cost reaching customers and its unused
   * capacity).
   */
  static byte[] stackedBars(String title, String categoryLabel, String valueLabel,
      Map<String, Map<String, Double>> seriesByCategory, List<Color> colours) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    seriesByCategory.forEach((category, series) -> series.forEach((name, value) -> data.addValue(value, name, category)));
    JFreeChart chart = ChartFactory.createStackedBarChart(title, categoryLabel, valueLabel, data,
        PlotOrientation.HORIZONTAL, true, false, false);
    style(chart);
    CategoryPlot plot = chart.getCategoryPlot();
    BarRenderer renderer = (BarRenderer) plot.getRenderer();
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    for (int i = 0; i < colours.size(); i++) {
      renderer.setSeriesPaint(i, colours.get(i));
    }
    ((NumberAxis) plot.getRangeAxis()).setNumberFormatOverride(NumberFormat.getIntegerInstance(Locale.ROOT));
    return png(chart);
  }

  /**
   * A scatter of points in named groups (one colour each), x on a log scale, with a vertical and a horizontal
   * dividing line; the axes show the given ranges.
   */
  static byte[] scatter(String title, String xLabel, String yLabel, Map<String, List<Point>> groups,
      Map<String, Color> colours, double xLine, double yLine, double[] xRange, double[] yRange) {
    XYSeriesCollection data = new XYSeriesCollection();
    groups.forEach((name, points) -> {
      XYSeries series = new XYSeries(name, false, true);
      points.forEach(p -> series.add(p.x(), p.y()));
      data.addSeries(series);
    });
    JFreeChart chart = ChartFactory.createScatterPlot(title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true,
        false, false);
    style(chart);
    XYPlot plot = chart.getXYPlot();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
    int i = 0;
    for (String name : groups.keySet()) {
      renderer.setSeriesPaint(i, colours.getOrDefault(name, GREY));
      renderer.setSeriesShape(i, new java.awt.geom.Ellipse2D.Double(-2.5, -2.5, 5, 5));
      i++;
    }
    plot.setRenderer(renderer);
    plot.addDomainMarker(new ValueMarker(xLine, Color.DARK_GRAY, new BasicStroke(1.2f)));
    plot.addRangeMarker(new ValueMarker(yLine, Color.DARK_GRAY, new BasicStroke(1.2f)));
    // Cost-to-serve ratios are skewed (most customers near 0.1, a few small ones at 10): a log axis shows both.
    LogAxis logX = new LogAxis(xLabel);
    logX.setSmallestValue(1e-6);
    logX.setNumberFormatOverride(new java.text.DecimalFormat("0.###", java.text.DecimalFormatSymbols.getInstance(
        Locale.ROOT)));
    logX.setBase(10);
    logX.setLabelFont(plot.getDomainAxis().getLabelFont());
    plot.setDomainAxis(logX);
    if (xRange[1] > xRange[0]) {
      logX.setRange(xRange[0], xRange[1]);
    }
    if (yRange[1] > yRange[0]) {
      plot.getRangeAxis().setRange(yRange[0], yRange[1]);
    }
    return png(chart);
  }

  private static void style(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    chart.setAntiAlias(true);
    chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    if (chart.getPlot() instanceof XYPlot plot) {
      plot.setBackgroundPaint(Color.WHITE);
      plot.setDomainGridlinePaint(new Color(0xe0e0e0));
      plot.setRangeGridlinePaint(new Color(0xe0e0e0));
    } else if (chart.getPlot() instanceof CategoryPlot plot) {
      plot.setBackgroundPaint(Color.WHITE);
      plot.setRangeGridlinePaint(new Color(0xe0e0e0));
    }
  }

  private static byte[] png(JFreeChart chart) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot draw chart " + chart.getTitle().getText(), e);
    }
    return out.toByteArray();
  }
}
