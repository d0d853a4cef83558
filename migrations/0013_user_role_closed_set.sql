-- Roles are a closed set (issue 17): buyer, seller, admin, one per user. A role list such as "buyer,admin",
-- which /v1 read as buyer and better-auth as admin, becomes buyer (the weaker reading). SQLite cannot add a
-- CHECK to an existing table, so triggers refuse any other value on insert and update.
UPDATE `user` SET `role` = 'buyer' WHERE `role` IS NULL OR `role` NOT IN ('buyer', 'seller', 'admin');
--> statement-breakpoint
CREATE TRIGGER `user_role_closed_set_insert` BEFORE INSERT ON `user`
WHEN NEW.`role` IS NULL OR NEW.`role` NOT IN ('buyer', 'seller', 'admin')
BEGIN SELECT RAISE(ABORT, 'user.role must be one of buyer, seller, admin'); END;
--> statement-breakpoint
CREATE TRIGGER `user_role_closed_set_update` BEFORE UPDATE OF `role` ON `user`
WHEN NEW.`role` IS NULL OR NEW.`role` NOT IN ('buyer', 'seller', 'admin')
BEGIN SELECT RAISE(ABORT, 'user.role must be one of buyer, seller, admin'); END;
