/* Chinese personal identifiers and synthetic people.
 *
 * GB 11643-1999: 6-digit area code, 8-digit birth date, 3-digit sequence
 * (odd for men, even for women), check character = (12 - sum(d_i * w_i)
 * mod 11) mod 11 with weights 2^(17-i) mod 11, 10 written as X.
 * The generator tables (surnames weighted by frequency, real area codes,
 * mobile prefixes, UnionPay BINs) make demo people look like real ones
 * without being anyone: numbers are random beyond the real prefixes. */
#include "core/person.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/util.h"

static const int id_weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };

char person_id_check(const char *first17)
{
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (first17[i] < '0' || first17[i] > '9') return 0;
        sum += (first17[i] - '0') * id_weights[i];
    }
    return "10X98765432"[sum % 11];
}

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int m)
{
    static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) v = v * 10 + (s[i] - '0');
    return v;
}

int person_id_birth(const char *id18, int *year, int *month, int *day, int *gender)
{
    int y, m, d;
    if (!id18 || strlen(id18) != 18) return -1;
    if (person_id_check(id18) == 0 || person_id_check(id18) != id18[17]) return -1;
    y = digits(id18 + 6, 4);
    m = digits(id18 + 10, 2);
    d = digits(id18 + 12, 2);
    if (y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return -1;
    if (year) *year = y;
    if (month) *month = m;
    if (day) *day = d;
    if (gender) *gender = (id18[16] - '0') % 2 ? 1 : 2;
    return 0;
}

int person_id_valid(const char *id18)
{
    return person_id_birth(id18, NULL, NULL, NULL, NULL) == 0;
}

char person_luhn_digit(const char *s)
{
    int sum = 0, dbl = 1;
    /* Walking from the right, the digit next to the check digit is doubled. */
    for (size_t i = strlen(s); i-- > 0; dbl = !dbl) {
        int d = s[i] - '0';
        if (dbl && (d *= 2) > 9) d -= 9;
        sum += d;
    }
    return (char)('0' + (10 - sum % 10) % 10);
}

int person_luhn_valid(const char *s)
{
    int sum = 0, dbl = 0;
    size_t n = s ? strlen(s) : 0;
    if (n < 2) return 0;
    for (size_t i = n; i-- > 0; dbl = !dbl) {
        int d = s[i] - '0';
        if (d < 0 || d > 9) return 0;
        if (dbl && (d *= 2) > 9) d -= 9;
        sum += d;
    }
    return sum % 10 == 0;
}

/* ---- tables -------------------------------------------------------- */

static const char *const mobile_prefixes[] = {
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
    "150", "151", "152", "153", "155", "156", "157", "158", "159",
    "180", "181", "182", "183", "184", "185", "186", "187", "188", "189",
    "191", "193", "195", "196", "197", "198", "199",
};
#define N_MOBILE (int)(sizeof mobile_prefixes / sizeof mobile_prefixes[0])

int person_mobile_valid(const char *s)
{
    if (!s || strlen(s) != 11) return 0;
    for (int i = 0; i < 11; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    for (int i = 0; i < N_MOBILE; i++)
        if (!strncmp(s, mobile_prefixes[i], 3)) return 1;
    return 0;
}

/* Area codes of real districts; weights roughly follow where consumer
 * credit applicants live (large cities first). */
static const person_area areas[] = {
    { "110101", "北京市", "东城区" },   { "110102", "北京市", "西城区" },
    { "110105", "北京市", "朝阳区" },   { "110108", "北京市", "海淀区" },
    { "110106", "北京市", "丰台区" },   { "310101", "上海市", "黄浦区" },
    { "310104", "上海市", "徐汇区" },   { "310105", "上海市", "长宁区" },
    { "310112", "上海市", "闵行区" },   { "310115", "上海市", "浦东新区" },
    { "120101", "天津市", "和平区" },   { "500103", "重庆市", "渝中区" },
    { "440106", "广东省", "广州市" },   { "440305", "广东省", "深圳市" },
    { "440304", "广东省", "深圳市" },   { "441900", "广东省", "东莞市" },
    { "440604", "广东省", "佛山市" },   { "330106", "浙江省", "杭州市" },
    { "330203", "浙江省", "宁波市" },   { "330302", "浙江省", "温州市" },
    { "320102", "江苏省", "南京市" },   { "320505", "江苏省", "苏州市" },
    { "320211", "江苏省", "无锡市" },   { "510104", "四川省", "成都市" },
    { "510107", "四川省", "成都市" },   { "420106", "湖北省", "武汉市" },
    { "430102", "湖南省", "长沙市" },   { "370102", "山东省", "济南市" },
    { "370202", "山东省", "青岛市" },   { "410105", "河南省", "郑州市" },
    { "610113", "陕西省", "西安市" },   { "350203", "福建省", "厦门市" },
    { "350102", "福建省", "福州市" },   { "340104", "安徽省", "合肥市" },
    { "130102", "河北省", "石家庄市" }, { "210102", "辽宁省", "沈阳市" },
    { "210202", "辽宁省", "大连市" },   { "220102", "吉林省", "长春市" },
    { "230102", "黑龙江省", "哈尔滨市" }, { "360102", "江西省", "南昌市" },
    { "450103", "广西壮族自治区", "南宁市" }, { "530102", "云南省", "昆明市" },
    { "520102", "贵州省", "贵阳市" },   { "140105", "山西省", "太原市" },
    { "150102", "内蒙古自治区", "呼和浩特市" }, { "620102", "甘肃省", "兰州市" },
    { "460106", "海南省", "海口市" },   { "650102", "新疆维吾尔自治区", "乌鲁木齐市" },
    { "640104", "宁夏回族自治区", "银川市" }, { "630103", "青海省", "西宁市" },
    { "540102", "西藏自治区", "拉萨市" },
};
#define N_AREAS (int)(sizeof areas / sizeof areas[0])
static const int area_weights[N_AREAS] = {
    3, 3, 5, 5, 3, 3, 4, 3, 4, 6, 4, 6,
    8, 7, 5, 6, 5, 7, 4, 4, 5, 5, 4, 6,
    4, 6, 5, 5, 4, 6, 5, 3, 3, 4, 4, 4,
    3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 1, 1,
    1, 1, 1,
};

int person_area_count(void) { return N_AREAS; }
const person_area *person_area_at(int i) { return i >= 0 && i < N_AREAS ? &areas[i] : NULL; }

/* Surnames with weights in tenths of a percent of the population (the
 * common ones) and a small share of compound surnames, so lists show them. */
static const char *const surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱",
    "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯",
    "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜",
    "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭",
    "陆", "汪", "范", "金", "石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟",
    "熊", "秦", "邱", "江", "尹", "薛", "闫", "段", "雷", "侯", "龙", "史", "陶", "黎",
    "贺", "顾", "毛", "郝", "龚", "邵", "万", "钱", "严", "武", "戴", "莫", "孔", "汤",
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "慕容", "司徒", "夏侯", "令狐",
};
#define N_SURNAMES (int)(sizeof surnames / sizeof surnames[0])
static const int surname_weights[N_SURNAMES] = {
    72, 72, 69, 54, 45, 31, 22, 20, 20, 18, 17, 15, 13, 13,
    13, 12, 11, 11, 11, 9, 8, 8, 7, 7, 7, 7, 6, 6,
    6, 6, 6, 6, 6, 5, 5, 5, 5, 5, 5, 5, 5, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 1, 1, 1, 1, 1, 1, 1, 1,
};

static const char *const given_male[] = {
    "伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "辉", "刚", "鹏", "华",
    "飞", "宇", "浩", "俊", "峰", "建", "文", "斌", "波", "凯", "晨", "博", "子", "轩",
    "然", "志", "国", "家", "乐", "天", "鑫", "昊", "瑞", "泽", "宏", "毅",
};
static const char *const given_female[] = {
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "玲", "婷", "雪", "慧", "颖",
    "琳", "欣", "怡", "佳", "梦", "思", "雨", "晶", "倩", "婉", "瑶", "萱", "诗", "涵",
    "悦", "可", "妍", "丹", "琪", "嘉", "月", "露", "莉", "燕", "洁", "蕾",
};
#define N_GIVEN 40

/* UnionPay BINs of large banks with their card lengths. */
static const struct { const char *bin; int len; } card_bins[] = {
    { "622202", 19 }, { "621226", 19 }, { "622848", 19 }, { "622700", 19 },
    { "621700", 19 }, { "622588", 16 }, { "621483", 16 }, { "621661", 19 },
    { "622262", 19 }, { "623668", 19 }, { "622609", 16 }, { "621799", 19 },
    { "622908", 18 }, { "625911", 16 }, { "628888", 16 },
};
#define N_BINS (int)(sizeof card_bins / sizeof card_bins[0])

static const char *const firm_words[] = {
    "恒信", "华兴", "盛达", "鼎新", "瑞丰", "宏图", "金桥", "博远", "天成", "嘉禾",
    "新源", "永泰", "中联", "华晟", "联创", "万通", "汇丰源", "启明", "远航", "锦程",
};
static const char *const firm_kinds[] = {
    "科技有限公司", "商贸有限公司", "物流有限公司", "建筑工程有限公司", "餐饮管理有限公司",
    "电子有限公司", "教育咨询有限公司", "医药连锁有限公司", "实业有限公司", "服装有限公司",
    "汽车销售服务有限公司", "网络科技有限公司",
};
static const char *const public_kinds[] = {
    "第一人民医院", "实验中学", "税务局", "中心小学", "供电局", "人民医院",
};

/* ---- generators ---------------------------------------------------- */

#define PICK(r, a) (a)[rng_below((r), sizeof(a) / sizeof((a)[0]))]

void person_gen_name(rng *r, int gender, char *out, size_t n)
{
    const char *const *given = gender == 2 ? given_female : given_male;
    const char *sur = surnames[rng_weighted(r, surname_weights, N_SURNAMES)];
    /* About a third of given names are one character. */
    if (rng_below(r, 3) == 0)
        snprintf(out, n, "%s%s", sur, given[rng_below(r, N_GIVEN)]);
    else {
        const char *a = given[rng_below(r, N_GIVEN)], *b = given[rng_below(r, N_GIVEN)];
        snprintf(out, n, "%s%s%s", sur, a, b);
    }
}

void person_gen_id(rng *r, const person_area *a, int year, int month, int day,
                   int gender, char out[19])
{
    unsigned seq = (unsigned)rng_below(r, 500) * 2 + (gender == 1 ? 1 : 0);
    char buf[40];
    snprintf(buf, sizeof buf, "%.6s%04u%02u%02u%03u", a->code, (unsigned)year % 10000u,
             (unsigned)month % 100u, (unsigned)day % 100u, seq % 1000u);
    memcpy(out, buf, 17);
    out[17] = person_id_check(out);
    out[18] = '\0';
}

void person_gen_mobile(rng *r, char out[12])
{
    snprintf(out, 12, "%s%08u", mobile_prefixes[rng_below(r, N_MOBILE)],
             (unsigned)rng_below(r, 100000000));
}

void person_gen_card(rng *r, char out[20])
{
    int b = (int)rng_below(r, N_BINS), len = card_bins[b].len, i;
    memcpy(out, card_bins[b].bin, 6);
    for (i = 6; i < len - 1; i++) out[i] = (char)('0' + rng_below(r, 10));
    out[i] = '\0';
    out[i] = person_luhn_digit(out);
    out[len] = '\0';
}

/* The place name a local employer carries: the municipality for Beijing,
 * Shanghai, Tianjin and Chongqing, else the city, without its suffix. */
static void place_name(const person_area *a, char *out, size_t n)
{
    const char *p = strcmp(a->province, "北京市") && strcmp(a->province, "上海市") &&
                    strcmp(a->province, "天津市") && strcmp(a->province, "重庆市")
                    ? a->city : a->province;
    size_t len = strlen(p);
    if (len > 3 && !strcmp(p + len - 3, "市")) len -= 3;
    snprintf(out, n, "%.*s", (int)len, p);
}

void person_gen_employer(rng *r, const person_area *a, char *out, size_t n)
{
    char place[48];
    unsigned k = (unsigned)rng_below(r, 20);
    place_name(a, place, sizeof place);
    if (k < 15)
        snprintf(out, n, "%s%s%s", place, PICK(r, firm_words), PICK(r, firm_kinds));
    else if (k < 18)
        snprintf(out, n, "%s%s", place, PICK(r, public_kinds));
    else
        snprintf(out, n, "个体经营");
}

/* Calendar date in China (UTC+8) of a unix millisecond time. */
static void china_date(int64_t ms, int *y, int *m, int *d)
{
    time_t t = (time_t)(ms / 1000) + 8 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    *y = tm.tm_year + 1900;
    *m = tm.tm_mon + 1;
    *d = tm.tm_mday;
}

int person_age(int year, int month, int day, int64_t now_ms)
{
    int y, m, d;
    china_date(now_ms, &y, &m, &d);
    return y - year - ((m < month || (m == month && d < day)) ? 1 : 0);
}

void person_gen(rng *r, int age, int64_t now_ms, customer *c)
{
    int y, m, d, bm, bd;
    const person_area *a = &areas[rng_weighted(r, area_weights, N_AREAS)];
    memset(c, 0, sizeof *c);
    china_date(now_ms, &y, &m, &d);
    c->gender = rng_below(r, 100) < 52 ? 1 : 2;
    bm = (int)rng_range(r, 1, 12);
    /* Feb 29 only exists in leap years: stay within 28 days in February. */
    bd = (int)rng_range(r, 1, bm == 2 ? 28 : days_in_month(2001, bm));
    c->birth_year = y - age - ((bm > m || (bm == m && bd > d)) ? 1 : 0);
    c->birth_month = bm;
    c->birth_day = bd;
    person_gen_name(r, c->gender, c->name, sizeof c->name);
    person_gen_id(r, a, c->birth_year, bm, bd, c->gender, c->id_number);
    person_gen_mobile(r, c->mobile);
    person_gen_card(r, c->bank_card);
    yx_strlcpy(c->province, a->province, sizeof c->province);
    yx_strlcpy(c->city, a->city, sizeof c->city);
    person_gen_employer(r, a, c->employer, sizeof c->employer);
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

const char *person_data_in(const char *text)
{
    for (const char *q = text; *q;) {
        char run[24];
        size_t n = 0, group = 0;
        if (!is_digit(*q)) { q++; continue; }
        while (n < sizeof run - 1) {
            if (is_digit(*q) || ((*q == 'X' || *q == 'x') && n == 17)) {
                run[n++] = *q++;
                group++;
            } else if ((*q == ' ' || *q == '-') && (group == 3 || group == 4) && is_digit(q[1])) {
                q++;        /* a separator between groups, as numbers are written */
                group = 0;
            } else {
                break;
            }
        }
        run[n] = '\0';
        if (n == 18 && run[17] == 'x') run[17] = 'X';
        if (n == 18 && person_id_valid(run)) return "an ID number";
        if (n == 11 && person_mobile_valid(run)) return "a mobile number";
        if (n >= 16 && n <= 19 && strspn(run, "0123456789") == n && person_luhn_valid(run)) return "a card number";
        while (is_digit(*q) || *q == 'X' || *q == 'x') q++;
    }
    return NULL;
}
