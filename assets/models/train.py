#!/usr/bin/python3
"""Trains the shipped credit models on assets/data/credit_data.csv.

Writes, from the project root:
  assets/models/gbdt.json        XGBoost binary:logistic model (save_model JSON)
  assets/models/scorecard.json   binned weight-of-evidence logistic scorecard
  assets/models/metrics.txt      holdout AUCs and grade cut-offs (for the README)
  tests/fixtures/xgb_*           XGBoost's own predictions, so the C evaluator
                                 is checked for parity without Python in CI

Run with Debian's python3-xgboost and python3-sklearn:
  /usr/bin/python3 assets/models/train.py
Everything is seeded, so a rerun reproduces the same files.

Features are encoded exactly as core/domain.h feeds them to the engine:
categorical columns become the index of the level in the sorted level names,
and an empty cell becomes NaN.
"""
import csv
import json
import math
import os
import sys

import numpy as np
import xgboost as xgb
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DATA = os.path.join(ROOT, "assets", "data", "credit_data.csv")
MODELS = os.path.join(ROOT, "assets", "models")
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
SEED = 20261124

FEATURES = ["Seniority", "Home", "Time", "Age", "Marital", "Records", "Job",
            "Expenses", "Income", "Assets", "Debt", "Amount", "Price"]
LEVELS = {
    "Home": ["ignore", "other", "owner", "parents", "priv", "rent"],
    "Marital": ["divorced", "married", "separated", "single", "widow"],
    "Records": ["no", "yes"],
    "Job": ["fixed", "freelance", "others", "partime"],
}
GBDT_VERSION = "gbdt-2026.11"
SCORECARD_VERSION = "scorecard-2026.11"
# Scorecard scaling: BASE_SCORE points at odds BASE_ODDS (good:bad); PDO more
# points double the odds.
BASE_SCORE, BASE_ODDS, PDO = 600, 8.0, 40
# scorecard grade x GBDT grade -> risk grade; R = refer (the models disagree).
# Must equal the cross matrix of assets/strategies/default.json.
CROSS = ["AABRR", "ABCCR", "BCCDD", "RCDDE", "RRDEE"]


def load():
    X, y = [], []
    with open(DATA, newline="") as f:
        for row in csv.DictReader(f):
            y.append(1 if row["Status"] == "bad" else 0)
            r = []
            for name in FEATURES:
                v = row[name]
                if v == "":
                    r.append(np.nan)
                elif name in LEVELS:
                    r.append(float(LEVELS[name].index(v)))
                else:
                    r.append(float(v))
            X.append(r)
    return np.array(X, dtype=np.float32), np.array(y, dtype=np.int32)


def fmt(v):
    v = float(v)
    return "" if math.isnan(v) else "%.9g" % v


def write_pred_fixture(path, bst, X, contribs=True):
    """One row per input: the features, XGBoost's prediction, its margin and
    (optionally) approximate contributions, bias last."""
    d = xgb.DMatrix(X, feature_names=FEATURES, missing=np.nan)
    pred = bst.predict(d)
    margin = bst.predict(d, output_margin=True)
    c = bst.predict(d, pred_contribs=True, approx_contribs=True) if contribs else None
    with open(path, "w") as f:
        head = FEATURES + ["pred", "margin"]
        if contribs:
            head += ["c_" + n for n in FEATURES] + ["c_bias"]
        f.write(",".join(head) + "\n")
        for i in range(X.shape[0]):
            cells = [fmt(v) for v in X[i]] + [fmt(pred[i]), fmt(margin[i])]
            if contribs:
                cells += [fmt(v) for v in c[i]]
            f.write(",".join(cells) + "\n")


def edge_rows(bst, X, rng, n_thr, n_miss):
    """Rows placed exactly on split thresholds, and rows with missing values."""
    splits = []
    for tree in json.loads(bst.save_raw("json"))["learner"]["gradient_booster"]["model"]["trees"]:
        for k, left in enumerate(tree["left_children"]):
            if left != -1:
                splits.append((tree["split_indices"][k], tree["split_conditions"][k]))
    out = []
    for j in rng.choice(len(splits), size=min(n_thr, len(splits)), replace=False):
        feat, thr = splits[j]
        r = X[rng.integers(X.shape[0])].copy()
        r[feat] = np.float32(thr)
        out.append(r)
    for _ in range(n_miss):
        r = X[rng.integers(X.shape[0])].copy()
        r[rng.random(len(FEATURES)) < 0.3] = np.nan
        out.append(r)
    r = np.full(len(FEATURES), np.nan, dtype=np.float32)
    out.append(r)
    return np.array(out, dtype=np.float32)


# ---- scorecard ----------------------------------------------------------

def numeric_edges(col, nbins=5):
    v = col[~np.isnan(col)]
    qs = np.unique(np.quantile(v, np.linspace(0, 1, nbins + 1)[1:-1]))
    # an edge is an upper bound: a value below it falls in the bin
    return [float(e) for e in qs if e > v.min()]


def bin_index(spec, x):
    if math.isnan(x):
        return -1
    if "levels" in spec:
        return int(x)
    for i, e in enumerate(spec["edges"]):
        if x < e:
            return i
    return len(spec["edges"])


def woe_table(spec, col, y, nbins):
    good_t, bad_t = (y == 0).sum(), (y == 1).sum()
    woe, miss = [], None
    idx = np.array([bin_index(spec, x) for x in col])
    for b in list(range(nbins)) + [-1]:
        m = idx == b
        g, bd = (y[m] == 0).sum() + 0.5, (y[m] == 1).sum() + 0.5
        w = math.log((bd / bad_t) / (g / good_t))   # positive = riskier
        if b == -1:
            miss = w if m.sum() > 0 else 0.0
        else:
            woe.append(w)
    return woe, miss, idx


def train_scorecard(X, y):
    specs, cols = [], []
    for j, name in enumerate(FEATURES):
        if name in LEVELS:
            spec = {"name": name, "levels": LEVELS[name]}
            nb = len(LEVELS[name])
        else:
            spec = {"name": name, "edges": numeric_edges(X[:, j])}
            nb = len(spec["edges"]) + 1
        woe, miss, idx = woe_table(spec, X[:, j], y, nb)
        spec["woe"], spec["woe_missing"] = woe, miss
        specs.append(spec)
        cols.append(np.array([miss if b == -1 else woe[b] for b in idx]))
    W = np.column_stack(cols)
    lr = LogisticRegression(C=1.0, max_iter=1000).fit(W, y)
    factor = PDO / math.log(2)
    offset = BASE_SCORE - factor * math.log(BASE_ODDS)
    # score = offset + factor * ln(odds good) = offset - factor * logit(bad)
    base_points = round(offset - factor * lr.intercept_[0])
    feats = []
    for spec, beta in zip(specs, lr.coef_[0]):
        pts = [round(-factor * beta * w) for w in spec["woe"]]
        f = {"name": spec["name"], "missing_points": round(-factor * beta * spec["woe_missing"])}
        if "levels" in spec:
            f["bins"] = [{"level": lv, "points": p} for lv, p in zip(spec["levels"], pts)]
        else:
            f["bins"] = [{"below": e, "points": p} for e, p in zip(spec["edges"], pts[:-1])]
            f["bins"].append({"below": None, "points": pts[-1]})
        feats.append(f)
    return {"model": "scorecard", "version": SCORECARD_VERSION,
            "base_score": BASE_SCORE, "base_odds": BASE_ODDS, "pdo": PDO,
            "score_min": 300, "score_max": 900, "base_points": base_points,
            "features": feats}


def scorecard_points(sc, x):
    s = sc["base_points"]
    for j, f in enumerate(sc["features"]):
        v = x[j]
        if math.isnan(v):
            s += f["missing_points"]
        elif "level" in f["bins"][0]:
            s += f["bins"][int(v)]["points"]
        else:
            for b in f["bins"]:
                if b["below"] is None or v < b["below"]:
                    s += b["points"]
                    break
    return min(max(s, sc["score_min"]), sc["score_max"])


def grade_of(value, cuts, higher_is_better):
    """Grade 1 (best) .. 5 from four cut-offs."""
    for g, c in enumerate(cuts):
        if (value >= c) if higher_is_better else (value < c):
            return g + 1
    return 5


def main():
    rng = np.random.default_rng(SEED)
    X, y = load()
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=SEED, stratify=y)

    params = {"objective": "binary:logistic", "max_depth": 4, "eta": 0.08,
              "subsample": 0.8, "colsample_bytree": 0.8, "min_child_weight": 2,
              "tree_method": "hist", "seed": SEED, "nthread": 1, "eval_metric": "auc"}
    dtr = xgb.DMatrix(Xtr, label=ytr, feature_names=FEATURES, missing=np.nan)
    dte = xgb.DMatrix(Xte, label=yte, feature_names=FEATURES, missing=np.nan)
    bst = xgb.train(params, dtr, num_boost_round=150)
    bst.set_attr(model_version=GBDT_VERSION)
    bst.save_model(os.path.join(MODELS, "gbdt.json"))
    pd_te, pd_tr = bst.predict(dte), bst.predict(dtr)

    sc = train_scorecard(Xtr, ytr)
    s_tr = np.array([scorecard_points(sc, r) for r in Xtr])
    s_te = np.array([scorecard_points(sc, r) for r in Xte])
    # grade bands: quintiles of the training population
    sc_cuts = [int(round(q)) for q in np.quantile(s_tr, [0.8, 0.6, 0.4, 0.2])]
    gb_cuts = [round(float(q), 3) for q in np.quantile(pd_tr, [0.2, 0.4, 0.6, 0.8])]
    sc["grade_cuts"] = sc_cuts
    with open(os.path.join(MODELS, "scorecard.json"), "w") as f:
        json.dump(sc, f, indent=1)
        f.write("\n")

    cross_val = {"A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "R": 3.5}
    cg = [cross_val[CROSS[grade_of(s, sc_cuts, True) - 1][grade_of(p, gb_cuts, False) - 1]]
          for s, p in zip(s_te, pd_te)]
    auc_sc = roc_auc_score(yte, -s_te)
    auc_gb = roc_auc_score(yte, pd_te)
    auc_cross = roc_auc_score(yte, cg)
    with open(os.path.join(MODELS, "metrics.txt"), "w") as f:
        f.write("holdout_rows %d\n" % len(yte))
        f.write("auc_scorecard %.4f\nauc_gbdt %.4f\nauc_cross_grade %.4f\n" % (auc_sc, auc_gb, auc_cross))
        f.write("scorecard_grade_cuts %s\ngbdt_grade_pd_cuts %s\n" % (sc_cuts, gb_cuts))
    sys.stdout.write(open(os.path.join(MODELS, "metrics.txt")).read())

    # ---- parity fixtures ----
    os.makedirs(FIXTURES, exist_ok=True)
    write_pred_fixture(os.path.join(FIXTURES, "xgb_gbdt_pred.csv"), bst, X)
    write_pred_fixture(os.path.join(FIXTURES, "xgb_gbdt_edge.csv"), bst,
                       edge_rows(bst, X, rng, 300, 200))
    with open(os.path.join(FIXTURES, "scorecard_pred.csv"), "w") as f:
        f.write(",".join(FEATURES) + ",score\n")
        for r in np.vstack([X, edge_rows(bst, X, rng, 0, 200)]):
            f.write(",".join(fmt(v) for v in r) + ",%d\n" % scorecard_points(sc, r))
    # the other objectives the evaluator supports, on small models (the
    # regression one predicts Amount, so Amount is hidden from it)
    small = X[rng.choice(X.shape[0], 300, replace=False)]
    for obj, label in (("binary:logitraw", y), ("reg:logistic", y),
                       ("reg:squarederror", X[:, FEATURES.index("Amount")] / 1000.0)):
        p = {"objective": obj, "max_depth": 3, "eta": 0.3, "seed": SEED, "nthread": 1,
             "tree_method": "exact", "base_score": 0.3 if obj != "reg:squarederror" else 1.2}
        Xo = X.copy()
        if obj == "reg:squarederror":
            Xo[:, FEATURES.index("Amount")] = np.nan
        d = xgb.DMatrix(Xo, label=label, feature_names=FEATURES, missing=np.nan)
        b = xgb.train(p, d, num_boost_round=12)
        name = obj.replace(":", "_")
        b.save_model(os.path.join(FIXTURES, "xgb_%s.json" % name))
        rows = np.vstack([small, edge_rows(b, X, rng, 60, 40)])
        if obj == "reg:squarederror":
            rows[:, FEATURES.index("Amount")] = np.nan
        write_pred_fixture(os.path.join(FIXTURES, "xgb_%s_pred.csv" % name), b, rows)


if __name__ == "__main__":
    main()
