"""The one histogram binning (dlskills.stats) and the one way to show code."""
import numpy as np
import pytest

import dlskills as dl
from dlskills.stats import Binning, activation_bins


def test_linear_zero_column_counts_zeros_apart():
    b = Binning("linear", 0.0, 4.0, 4, zero_column=True)
    shares, bad = b.shares(np.array([0.0, 0.0, 0.5, 3.9, 9.0, np.nan]))
    assert b.columns == 6 and bad == pytest.approx(1 / 6)
    assert shares[0] == pytest.approx(2 / 6)          # the zeros, not in bin [0, 1)
    assert shares[1] == 0                             # the gap column
    assert shares[2] == pytest.approx(1 / 6)          # 0.5 only
    assert shares[5] == pytest.approx(2 / 6)          # 3.9 and 9 (edge bin)


def test_linear_zero_column_inside_the_range():
    b = Binning("linear", -1.0, 1.0, 4, zero_column=True)
    shares, _ = b.shares(np.array([0.0, 0.1, -0.9]))
    assert shares[0] == pytest.approx(1 / 3)
    np.testing.assert_allclose(shares[2:], [1 / 3, 0, 1 / 3, 0])   # 0.1 stays in [0, 0.5)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_values_far_beyond_the_range_land_in_the_edge_bins(dtype):
    """Even values too large for an integer bin index (a cast of 4e31 is undefined and
    gave bin 0): every value beyond the range is in the nearest edge bin."""
    values = np.array([1e30, -1e30, 3e38, 1e-45, 0.5], dtype=dtype)
    shares, bad = Binning("linear", 0.0, 1.0, 4).shares(values)
    assert bad == 0
    np.testing.assert_allclose(shares, [2 / 5, 0, 1 / 5, 2 / 5])
    shares, _ = Binning("log", -4.0, 0.0, 4, zero_column=True).shares(values)
    np.testing.assert_allclose(shares, [0, 0, 1 / 5, 0, 0, 4 / 5])


def test_activation_bins_cover_each_range():
    assert (activation_bins("sigmoid").lo, activation_bins("sigmoid").hi) == (0, 1)
    assert (activation_bins("tanh").lo, activation_bins("tanh").hi) == (-1, 1)
    relu = activation_bins("relu", n=30, relu_top=2.5, zero_column=True)
    assert (relu.lo, relu.hi, relu.n, relu.zero_column) == (0, 2.5, 30, True)
    shares, bad = activation_bins("tanh", n=10).shares(np.linspace(-1, 1, 1000))
    assert bad == 0 and shares.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(shares, 0.1, atol=0.002)


def test_show_code_prints_the_real_source(capsys):
    dl.show_code(dl.sigmoid_grad, dl.SGD)
    out = capsys.readouterr().out
    assert out.startswith("def sigmoid_grad(") and "class SGD(" in out
    dl.show_code(dl.MLP.loss_and_gradient, only=("weight_decay",))
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines and all("weight_decay" in line for line in lines)


def test_log_bins_take_zeros_without_a_warning():
    import warnings
    b = Binning("log", -4.0, 0.0, 4, zero_column=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # log10(0) would warn "divide by zero"
        shares, _ = b.shares(np.zeros(3))
    assert shares[0] == 1


def test_fitted_bins_span_two_decades_and_keep_rare_large_values():
    assert Binning.fit([np.full(10, 0.5)]).hi - Binning.fit([np.full(10, 0.5)]).lo == 2
    # 0.15 % of the values at 1e8: inside the 0.998 coverage (0.1 % cut at each end)
    values = np.concatenate([np.linspace(1.0, 9.0, 9985), np.full(15, 1e8)])
    assert Binning.fit([values]).hi == 8


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_bins_are_the_bins_of_each_magnitude_cut_to_8_mantissa_bits(dtype):
    """Log bins read a value's bin off its float32 bits: exactly the log10 bin of its
    float32 magnitude with the mantissa cut to 8 bits, and within 0.4 % of the value's
    own bin edges (a share moves by far less than a colour step)."""
    rng = np.random.default_rng(0)
    values = (rng.choice([-1, 1], 200_000) * 10.0 ** rng.uniform(-23, 7, 200_000))
    extremes = [0.0, 1e-300, 1e300] if dtype == np.float64 else [0.0, 1e-45, 3e38]
    values = np.concatenate([values, extremes]).astype(dtype)
    b = Binning("log", -20.0, 4.0, 96, zero_column=True)
    shares, bad = b.shares(values)
    assert bad == 0 and shares.sum() == pytest.approx(1.0)

    def reference(magnitudes):
        with np.errstate(all="ignore"):
            index = np.floor((np.log10(magnitudes) - b.lo) / b.width)
        index = np.clip(index, 0, b.n - 1).astype(int)[values != 0]   # 1e-300: bin 0
        return np.bincount(index, minlength=b.n) / values.size

    with np.errstate(over="ignore"):                     # 1e300 -> inf: the last bin
        cut = np.abs(values).astype(np.float32).view(np.uint32) & np.uint32(0xFFFF8000)
    np.testing.assert_array_equal(shares[2:] * values.size,
                                  reference(cut.view(np.float32).astype(np.float64))
                                  * values.size)
    np.testing.assert_allclose(shares[2:], reference(np.abs(values.astype(np.float64))),
                               atol=3e-4)
    assert shares[0] == pytest.approx(1 / values.size)   # the one exact 0


def test_layer_histograms_are_each_layers_shares_and_float64_std():
    from dlskills.stats import layer_histograms, median_nonzero, std64

    rng = np.random.default_rng(1)
    layers = [rng.standard_normal((50, 8)).astype(np.float32) * s for s in (1e-3, 1.0)]
    layers.append(np.array([[1.0, np.inf], [0.0, 2.0]], dtype=np.float32))
    b = Binning("log", -6.0, 2.0, 32, zero_column=True)
    hist = layer_histograms(b, layers)
    assert hist.shares.shape == (3, b.columns)
    for k, values in enumerate(layers):
        shares, bad = b.shares(values)
        np.testing.assert_array_equal(hist.shares[k], shares)
        assert hist.bad[k] == bad
    np.testing.assert_allclose(hist.std[:2], [np.std(v, dtype=np.float64) for v in layers[:2]],
                               rtol=1e-12)
    assert np.isnan(hist.std[2]) and hist.bad[2] == 0.25
    assert std64(np.array([3e30, -3e30], dtype=np.float32)) == pytest.approx(3e30, rel=1e-6)
    assert median_nonzero(np.array([0.0, -4.0, np.nan, 1.0, 2.0])) == 2.0
    assert median_nonzero(np.zeros(3)) == 0.0


def test_binning_refuses_what_it_cannot_count():
    with pytest.raises(ValueError, match="scale must be 'linear' or 'log'"):
        Binning("LINEAR", 0.0, 1.0, 4)
    with pytest.raises(ValueError, match="lo < hi"):
        Binning("linear", 1.0, 1.0, 4)
    with pytest.raises(ValueError, match="n >= 1"):
        Binning("log", -1.0, 1.0, 0)
    with pytest.raises(ValueError, match="at least 0.01 decade wide"):
        Binning("log", 0.0, 1.0, 101)
    assert Binning("log", 0.0, 1.0, 100).width == pytest.approx(0.01)   # just allowed
    assert Binning("linear", 0.0, 1.0, 1).shares([0.3])[0].tolist() == [1.0]   # one bin
    assert Binning("linear", 0.0, 1.0, 1000).n == 1000      # narrow linear bins are fine


def test_shares_count_integers_and_one_value_and_stay_quiet_on_overflow():
    import warnings

    assert Binning("linear", 0.0, 4.0, 4).shares(np.array([0, 1, 3]))[0].tolist() == \
        pytest.approx([1 / 3, 1 / 3, 0, 1 / 3])
    assert Binning("log", -2.0, 2.0, 8).shares(np.array([99]))[0][7] == 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")      # float32 overflow, x / width beyond float
        shares, _ = Binning("linear", -1.0, 1.0, 4).shares(np.array([3e38, -3e38], np.float32))
        np.testing.assert_allclose(shares, [0.5, 0, 0, 0.5])
        shares, _ = Binning("log", -2.0, 2.0, 4).shares(np.array([1e300, 1e-300]))
        np.testing.assert_allclose(shares, [0.5, 0, 0, 0.5])


@pytest.mark.parametrize("lo, hi, column", [(1.0, 2.0, 0), (-2.0, -1.0, 3), (-1.0, 0.0, 3)])
def test_a_zero_column_takes_the_zeros_from_whichever_bin_they_fell_in(lo, hi, column):
    """0 beyond the range (either side) or on its upper edge is counted in the edge
    bin first, then moved to the zero column: no bin keeps it or goes negative."""
    b = Binning("linear", lo, hi, 4, zero_column=True)
    values = np.array([0.0, 0.0, (lo + hi) / 2])
    shares, _ = b.shares(values)
    assert shares[0] == pytest.approx(2 / 3) and shares.min() >= 0
    assert shares.sum() == pytest.approx(1.0) and shares[2 + column] == 0
    assert b.extent_x() == (lo - 2 * b.width, hi)
    assert Binning("linear", lo, hi, 4).extent_x() == (lo, hi)


def test_std64_says_nan_for_values_it_cannot_square():
    import warnings

    from dlskills.stats import std64

    warnings.simplefilter("error")          # quietly: no overflow or invalid warning
    assert std64(np.array([1e150, -1e150])) == pytest.approx(1e150)
    assert np.isnan(std64(np.array([1e200, -1e200])))       # the squares overflow
    assert np.isnan(std64(np.array([1.0, np.inf])))


def test_activation_bins_defaults_are_the_chapters_bins():
    b = activation_bins("relu")
    assert (b.scale, b.lo, b.hi, b.n, b.zero_column) == ("linear", 0.0, 4.0, 40, False)


def test_fitted_bins_cut_a_tenth_of_a_percent_at_each_end():
    from dlskills.stats import Binning

    values = np.concatenate([np.linspace(1.0, 9.0, 9992), np.full(8, 1e8)])   # 0.08 %
    fitted = Binning.fit([values], per_decade=4, label="init.axis.activation_log")
    assert (fitted.lo, fitted.hi, fitted.n) == (0.0, 2.0, 8)   # the 0.08 % is cut
    assert fitted.zero_column and fitted.label == "init.axis.activation_log"
    assert Binning.fit([np.arange(1, 101)]).lo == 0.0           # integers are magnitudes too
    default = Binning.fit([np.full(10, 0.5)])
    assert (default.n, default.label) == (16, "init.axis.gradient_log")   # 8 per decade
    empty = Binning.fit([np.zeros(3)], per_decade=3, label="x")
    assert (empty.scale, empty.lo, empty.hi, empty.n, empty.zero_column, empty.label) == \
        ("log", -1.0, 1.0, 6, True, "x")
