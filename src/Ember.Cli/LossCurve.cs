using Ember.Vision;

namespace Ember.Cli;

/// <summary>Draws the running training loss as a line on a white PNG with light grid lines.</summary>
internal static class LossCurve
{
    private const int Width = 640, Height = 400, Margin = 40;

    /// <summary>Writes the plot of <paramref name="losses"/> (one point per logging interval) to <paramref name="path"/>.</summary>
    public static void Save(string path, IReadOnlyList<double> losses)
    {
        var img = new float[3, Height, Width];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < Height; y++)
                for (int x = 0; x < Width; x++) img[c, y, x] = 1f;
        double max = losses.Count == 0 ? 1 : losses.Max(), min = 0;
        if (max <= min) max = min + 1;
        int Px(int i) => Margin + (int)Math.Round(i / (double)Math.Max(1, losses.Count - 1) * (Width - 2 * Margin));
        int Py(double v) => Height - Margin - (int)Math.Round((v - min) / (max - min) * (Height - 2 * Margin));

        for (int k = 0; k <= 4; k++)   // horizontal grid at 0, 25, 50, 75, 100 % of the largest loss
        {
            int y = Py(min + (max - min) * k / 4);
            for (int x = Margin; x <= Width - Margin; x++) Set(img, x, y, 0.85f, 0.85f, 0.85f);
        }
        for (int y = Margin; y <= Height - Margin; y++) Set(img, Margin, y, 0.3f, 0.3f, 0.3f);
        for (int x = Margin; x <= Width - Margin; x++) Set(img, x, Height - Margin, 0.3f, 0.3f, 0.3f);
        for (int i = 1; i < losses.Count; i++)
            Line(img, Px(i - 1), Py(losses[i - 1]), Px(i), Py(losses[i]));
        if (losses.Count == 1) Line(img, Px(0), Py(losses[0]), Px(0), Py(losses[0]));
        ImageIO.SaveImage(Tensor.From(img), path);
    }

    private static void Line(float[,,] img, int x0, int y0, int x1, int y1)
    {
        int steps = Math.Max(Math.Abs(x1 - x0), Math.Abs(y1 - y0)) + 1;
        for (int s = 0; s <= steps; s++)
        {
            int x = x0 + (x1 - x0) * s / steps, y = y0 + (y1 - y0) * s / steps;
            for (int dy = -1; dy <= 1; dy++) Set(img, x, y + dy, 0.85f, 0.2f, 0.1f);
        }
    }

    private static void Set(float[,,] img, int x, int y, float r, float g, float b)
    {
        if (x < 0 || x >= Width || y < 0 || y >= Height) return;
        img[0, y, x] = r; img[1, y, x] = g; img[2, y, x] = b;
    }
}
