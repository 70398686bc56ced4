/* One application in detail: the application, the applicant's masked
 * personal data, and the decision. Shown from the cache at once; a fresh
 * copy is fetched from the server and replaces it when it arrives. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "screens/yx.h"
#include "tui/detail.h"
#include "tui/i18n.h"

struct detail {
    struct yx *y;
    struct tui_detail *view;
    int64_t id;
    unsigned gen;
};

static void fill(struct detail *d)
{
    struct tui_detail *v = d->view;
    char buf[64], buf2[64];
    app_row r;
    int rc = cache_get(d->y->ca, d->id, &r);
    tui_detail_clear(v);
    if (rc != 0) {
        tui_detail_section(v, _("Application"));
        tui_detail_field(v, _("Status"), rc < 0 ? cache_errmsg(d->y->ca) : _("not in the local cache"),
                         "error");
        return;
    }
    tui_detail_section(v, _("Application"));
    snprintf(buf, sizeof buf, "%" PRId64, r.app.id);
    tui_detail_field(v, _("ID"), buf, NULL);
    tui_detail_field(v, _("Received"), yx_fmt_time(r.app.created_at, 1, buf, sizeof buf), NULL);
    tui_detail_field(v, _("Updated"), yx_fmt_time(r.app.updated_at, 1, buf, sizeof buf), NULL);
    tui_detail_field(v, _("Status"), yx_label_status(r.app.status), yx_role_status(r.app.status));
    tui_detail_field(v, _("Channel"), yx_label_channel(r.app.channel), NULL);
    tui_detail_field(v, _("Partner"), r.app.partner, NULL);
    tui_detail_field(v, _("Product"), yx_label_product(r.app.product), NULL);
    if (r.app.product_item[0]) tui_detail_field(v, _("Item"), r.app.product_item, NULL);
    tui_detail_field(v, _("Scene"), yx_label_scene(r.app.scene), NULL);
    snprintf(buf2, sizeof buf2, "¥%s", yx_fmt_money(r.app.amount_fen, buf, sizeof buf));
    tui_detail_field(v, _("Amount"), buf2, NULL);
    snprintf(buf, sizeof buf, _("%d months"), r.app.term_months);
    tui_detail_field(v, _("Term"), buf, NULL);
    tui_detail_field(v, _("Data supplied"), yx_label_completeness(r.app.completeness), NULL);
    snprintf(buf, sizeof buf, "%" PRId64, r.app.version);
    tui_detail_field(v, _("Version"), buf, NULL);

    tui_detail_section(v, _("Applicant (masked)"));
    tui_detail_field(v, _("Name"), r.name, NULL);
    tui_detail_field(v, _("ID number"), r.id_number, NULL);
    tui_detail_field(v, _("Mobile"), r.mobile, NULL);
    tui_detail_field(v, _("Bank card"), r.bank_card, NULL);
    snprintf(buf, sizeof buf, "%s %s", r.province, r.city);
    tui_detail_field(v, _("Location"), buf, NULL);

    tui_detail_section(v, _("Decision"));
    if (!r.grade) {
        tui_detail_field(v, _("Outcome"), _("not decided yet"), NULL);
        return;
    }
    tui_detail_field(v, _("Outcome"), yx_label_outcome(r.outcome), NULL);
    snprintf(buf, sizeof buf, "%c", r.grade);
    tui_detail_field(v, _("Risk grade"), r.grade == 'R' ? _("R (models disagree)") : buf, NULL);
    snprintf(buf2, sizeof buf2, "¥%s", yx_fmt_money(r.limit_fen, buf, sizeof buf));
    tui_detail_field(v, _("Credit limit"), buf2, NULL);
    snprintf(buf, sizeof buf, "%d.%02d%%", r.apr_bp / 100, r.apr_bp % 100);
    tui_detail_field(v, _("APR"), buf, NULL);
    tui_detail_field(v, _("Reasons"), r.reasons[0] ? r.reasons : "-", NULL);
}

static int detail_open(struct tui_screen *s, const void *arg)
{
    struct detail *d = tui_screen_priv(s);
    char sub[64];
    d->y = tui_app_ctx(tui_screen_app(s));
    d->id = *(const int64_t *)arg;
    if (!(d->view = tui_detail_new())) {
        tui_toast(tui_screen_app(s), TUI_TOAST_ERROR, "%s", _("Out of memory"));
        return -1;
    }
    snprintf(sub, sizeof sub, "%" PRId64, d->id);
    tui_screen_subtitle(s, sub);
    d->gen = d->y->gen;
    fill(d);
    tui_detail_focus(s, d->view);
    yx_refresh_app(d->y, d->id);
    return 0;
}

static void detail_draw(struct tui_screen *s, WINDOW *w)
{
    struct detail *d = tui_screen_priv(s);
    struct tui_app *app = tui_screen_app(s);
    int rows, cols;
    if (d->gen != d->y->gen) {
        d->gen = d->y->gen;
        fill(d);
    }
    tui_screen_size(s, &rows, &cols);
    tui_detail_draw(d->view, w, 0, 0, rows, cols, tui_app_theme(app), tui_app_ascii(app));
}

static void detail_close(struct tui_screen *s)
{
    struct detail *d = tui_screen_priv(s);
    tui_detail_free(d->view);
    d->view = NULL;
}

const struct tui_screen_ops yx_detail_ops = {
    .name = "application",
    .title = N_("Application"),
    .priv_size = sizeof(struct detail),
    /* opened from the queue with an id; the command line cannot give one */
    .flags = TUI_SCREEN_HIDDEN,
    .open = detail_open,
    .draw = detail_draw,
    .close = detail_close,
};
