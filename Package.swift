// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Terreau",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "terreau", targets: ["terreau"]),
        .library(name: "TerreauCore", targets: ["TerreauCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        // HTML snapshots of representative pages (tests only).
        .package(url: "https://github.com/pointfreeco/swift-snapshot-testing", from: "1.19.7"),
    ],
    targets: [
        // Pure domain: Foundation and SHA-256 (hash chains), no web or storage dependency.
        .target(name: "TerreauCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(
            name: "TerreauWeb",
            dependencies: [
                "TerreauCore",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                // Its rows read directly where the open data export streams a million of them.
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Leaf", package: "leaf"),
                // The SMTP client is written directly on SwiftNIO (no Swift SMTP package exists here).
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            // Read by .ci/check-migrations, not by the build.
            exclude: ["Storage/Migrations/checksums.txt"]
        ),
        .executableTarget(name: "terreau", dependencies: ["TerreauCore", "TerreauWeb"]),
        .testTarget(name: "TerreauCoreTests", dependencies: ["TerreauCore"]),
        .testTarget(
            name: "TerreauWebTests",
            dependencies: [
                "TerreauWeb",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "SnapshotTesting", package: "swift-snapshot-testing"),
            ],
            exclude: ["__Snapshots__"]
        ),
    ]
)
