using Ember.Cli;
using Ember.Vision;
using Xunit;

namespace Ember.Tests.Cli;

/// <summary>
/// Issue 12, item 8: the loss curve is a chart (ScottPlot) with a title, axes and tick labels, not a bare
/// line of hand-set pixels. Read back as a grey image: the right size, not blank, and with dark text
/// pixels in the title band above the plot, where a plot without text has only background.
/// </summary>
public class LossCurveTests
{
    private static byte[,] Gray(string path)
    {
        Tensor img = ImageIO.LoadImage(path, grayscale: true);
        Assert.Equal((LossCurve.Height, LossCurve.Width, 1), (img.Size(0), img.Size(1), img.Size(2)));
        byte[] flat = img.ToArray<byte>();
        var g = new byte[LossCurve.Height, LossCurve.Width];
        Buffer.BlockCopy(flat, 0, g, 0, flat.Length);
        return g;
    }

    private static int Dark(byte[,] g, int top, int bottom, int left, int right, int below = 128)
    {
        int n = 0;
        for (int y = top; y < bottom; y++)
            for (int x = left; x < right; x++)
                if (g[y, x] < below) n++;
        return n;
    }

    [Fact]
    public void TheChartHasTitleAxesAndTheCurve()
    {
        string dir = Directory.CreateTempSubdirectory("ember-loss-").FullName;
        try
        {
            string path = Path.Combine(dir, "loss.png");
            var points = Enumerable.Range(0, 200).Select(i => (Epoch: (i + 0.5) / 100, Loss: 2.3 * Math.Exp(-i / 40.0) + 0.3)).ToList();
            LossCurve.Save(path, points, 2, "lenet on fashion-mnist: training loss");

            byte[,] g = Gray(path);
            int h = LossCurve.Height, w = LossCurve.Width;
            Assert.True(Dark(g, 0, h, 0, w, below: 250) > 2000, "the chart is (nearly) blank");
            // The plot's frame: the rows and columns that are dark for most of their length.
            int top = Enumerable.Range(0, h).First(y => Dark(g, y, y + 1, 0, w) > w / 2);
            int bottom = Enumerable.Range(0, h).Last(y => Dark(g, y, y + 1, 0, w) > w / 2);
            int left = Enumerable.Range(0, w).First(x => Dark(g, 0, h, x, x + 1) > h / 2);
            Assert.True(top > 10 && bottom < h - 10 && left > 10, $"frame at rows {top}..{bottom}, column {left}: no room for text around it");
            // Text is the only thing drawn outside the frame beyond the tick marks: the title above,
            // the tick labels and "epoch" below, the tick labels and "training loss" on the left.
            Assert.True(SkiaSharp.SKFontManager.Default.FontFamilyCount > 0, "this machine has no fonts under /usr/share/fonts, so the chart has no text (apt-get install fonts-dejavu-core)");
            Assert.True(Dark(g, 0, top - 2, 0, w) > 100, "no title above the plot");
            Assert.True(Dark(g, bottom + 8, h, 0, w) > 100, "no tick labels or axis label under the plot");
            Assert.True(Dark(g, 0, h, 0, left - 8) > 100, "no tick labels or axis label left of the plot");
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void EachEpochBoundaryIsADashedLineAndTheAxesAreLabelled()
    {
        var points = Enumerable.Range(0, 40).Select(i => (i / 10.0, 2.0 / (1 + i))).ToList();
        var plot = LossCurve.Build("loss.png", points, 4, "lenet on mnist: training loss");
        var boundaries = plot.GetPlottables().OfType<ScottPlot.Plottables.VerticalLine>().ToList();
        Assert.Equal([1.0, 2.0, 3.0], boundaries.Select(b => b.X).Order());
        Assert.All(boundaries, b => Assert.Equal(ScottPlot.LinePattern.Dashed, b.LinePattern));
        Assert.Equal("epoch", plot.Axes.Bottom.Label.Text);
        Assert.Equal("training loss", plot.Axes.Left.Label.Text);
        Assert.Equal("lenet on mnist: training loss", plot.Axes.Title.Label.Text);
    }

    [Fact]
    public void OnePointAndNoPointStillMakeAChart()
    {
        string dir = Directory.CreateTempSubdirectory("ember-loss-").FullName;
        try
        {
            LossCurve.Save(Path.Combine(dir, "one.png"), [(0.5, 1.7)], 1, "one point");
            LossCurve.Save(Path.Combine(dir, "none.png"), [], 3, "no points");
            Assert.True(Dark(Gray(Path.Combine(dir, "one.png")), 0, LossCurve.Height, 0, LossCurve.Width) > 100);
            Assert.True(Dark(Gray(Path.Combine(dir, "none.png")), 0, LossCurve.Height, 0, LossCurve.Width) > 100);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
