package io.profitlake.report;

/**
 * One figure of the report: its title, the chart as PNG (null when the period has nothing to draw), the
 * caption that says what to read from it, and the numbers it was drawn from.
 *
 * @param id anchor of the figure in the page (also how a test finds it)
 */
record Figure(String id, String title, byte[] png, String caption, Table numbers) {}
