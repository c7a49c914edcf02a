-- The scam check's official list (issue 18): the domains, hotlines and
-- accounts of banks and public services, kept by the secretariat with the
-- source of each entry. One migration source for SQLite and PostgreSQL.
CREATE TABLE official_entries (
    id {{ID}},
    -- domain | phone | bank_account
    kind TEXT NOT NULL,
    -- Written one way: the domain in ASCII lower case, the national number,
    -- or "BIN:number".
    value TEXT NOT NULL,
    owner TEXT NOT NULL,
    -- Where the entry was confirmed: the owner's own page, a letter, a decision.
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    -- A void (an entry added by mistake): the entry stops counting, its row
    -- and history stay.
    voided_at TEXT,
    voided_by TEXT,
    void_reason TEXT
);
CREATE INDEX official_entries_kind_value ON official_entries (kind, value);

-- The list the check started with, now data the secretariat maintains.
INSERT INTO official_entries (kind, value, owner, source, created_at, created_by) VALUES
    ('domain', 'vietcombank.com.vn', 'Vietcombank', 'Danh sách ban đầu: trang chủ của ngân hàng', '2026-12-07T00:00:00Z', 'system'),
    ('domain', 'vietinbank.vn', 'VietinBank', 'Danh sách ban đầu: trang chủ của ngân hàng', '2026-12-07T00:00:00Z', 'system'),
    ('domain', 'bidv.com.vn', 'BIDV', 'Danh sách ban đầu: trang chủ của ngân hàng', '2026-12-07T00:00:00Z', 'system'),
    ('domain', 'agribank.com.vn', 'Agribank', 'Danh sách ban đầu: trang chủ của ngân hàng', '2026-12-07T00:00:00Z', 'system'),
    ('domain', 'techcombank.com.vn', 'Techcombank', 'Danh sách ban đầu: trang chủ của ngân hàng', '2026-12-07T00:00:00Z', 'system'),
    ('domain', 'mbbank.com.vn', 'MB Bank', 'Danh sách ban đầu: trang chủ của ngân hàng', '2026-12-07T00:00:00Z', 'system'),
    ('domain', 'acb.com.vn', 'ACB', 'Danh sách ban đầu: trang chủ của ngân hàng', '2026-12-07T00:00:00Z', 'system'),
    ('domain', 'vpbank.com.vn', 'VPBank', 'Danh sách ban đầu: trang chủ của ngân hàng', '2026-12-07T00:00:00Z', 'system'),
    ('domain', 'tpb.vn', 'TPBank', 'Danh sách ban đầu: trang chủ của ngân hàng', '2026-12-07T00:00:00Z', 'system'),
    ('domain', 'sacombank.com.vn', 'Sacombank', 'Danh sách ban đầu: trang chủ của ngân hàng', '2026-12-07T00:00:00Z', 'system'),
    ('domain', 'napas.com.vn', 'NAPAS', 'Danh sách ban đầu: trang chủ của doanh nghiệp', '2026-12-07T00:00:00Z', 'system'),
    ('domain', 'momo.vn', 'Ví MoMo', 'Danh sách ban đầu: trang chủ của doanh nghiệp', '2026-12-07T00:00:00Z', 'system'),
    ('domain', 'zalopay.vn', 'ZaloPay', 'Danh sách ban đầu: trang chủ của doanh nghiệp', '2026-12-07T00:00:00Z', 'system'),
    ('domain', 'chinhphu.vn', 'Cổng Thông tin điện tử Chính phủ', 'Danh sách ban đầu: cổng thông tin nhà nước', '2026-12-07T00:00:00Z', 'system'),
    ('domain', 'dichvucong.gov.vn', 'Cổng Dịch vụ công quốc gia', 'Danh sách ban đầu: cổng thông tin nhà nước', '2026-12-07T00:00:00Z', 'system'),
    ('domain', 'bocongan.gov.vn', 'Bộ Công an', 'Danh sách ban đầu: cổng thông tin nhà nước', '2026-12-07T00:00:00Z', 'system'),
    ('domain', 'vneid.gov.vn', 'VNeID', 'Danh sách ban đầu: cổng thông tin nhà nước', '2026-12-07T00:00:00Z', 'system'),
    ('domain', 'gdt.gov.vn', 'Tổng cục Thuế', 'Danh sách ban đầu: cổng thông tin nhà nước', '2026-12-07T00:00:00Z', 'system'),
    ('domain', 'baohiemxahoi.gov.vn', 'Bảo hiểm xã hội Việt Nam', 'Danh sách ban đầu: cổng thông tin nhà nước', '2026-12-07T00:00:00Z', 'system'),
    ('domain', 'evn.com.vn', 'EVN', 'Danh sách ban đầu: trang chủ của doanh nghiệp', '2026-12-07T00:00:00Z', 'system'),
    ('domain', 'ncsc.gov.vn', 'Trung tâm Giám sát an toàn không gian mạng quốc gia', 'Danh sách ban đầu: cổng thông tin nhà nước', '2026-12-07T00:00:00Z', 'system'),
    ('phone', '1900545413', 'Vietcombank', 'Danh sách ban đầu: tổng đài công bố trên trang của ngân hàng', '2026-12-07T00:00:00Z', 'system'),
    ('phone', '1900558868', 'VietinBank', 'Danh sách ban đầu: tổng đài công bố trên trang của ngân hàng', '2026-12-07T00:00:00Z', 'system'),
    ('phone', '19009247', 'BIDV', 'Danh sách ban đầu: tổng đài công bố trên trang của ngân hàng', '2026-12-07T00:00:00Z', 'system'),
    ('phone', '1900558818', 'Agribank', 'Danh sách ban đầu: tổng đài công bố trên trang của ngân hàng', '2026-12-07T00:00:00Z', 'system'),
    ('phone', '1800588822', 'Techcombank', 'Danh sách ban đầu: tổng đài công bố trên trang của ngân hàng', '2026-12-07T00:00:00Z', 'system'),
    ('phone', '1900545426', 'MB Bank', 'Danh sách ban đầu: tổng đài công bố trên trang của ngân hàng', '2026-12-07T00:00:00Z', 'system'),
    ('phone', '1900545486', 'ACB', 'Danh sách ban đầu: tổng đài công bố trên trang của ngân hàng', '2026-12-07T00:00:00Z', 'system'),
    ('phone', '1900545415', 'VPBank', 'Danh sách ban đầu: tổng đài công bố trên trang của ngân hàng', '2026-12-07T00:00:00Z', 'system'),
    ('phone', '1900585885', 'TPBank', 'Danh sách ban đầu: tổng đài công bố trên trang của ngân hàng', '2026-12-07T00:00:00Z', 'system'),
    ('phone', '1900555588', 'Sacombank', 'Danh sách ban đầu: tổng đài công bố trên trang của ngân hàng', '2026-12-07T00:00:00Z', 'system');
